// The C side of window.lens (web/lens-api.js wraps these exports).
#pragma once
#include "app/core/app_state.h"

namespace lens {

// The exported functions act on this state; called once from main.
void js_api_bind(AppState& state);
// Resolves window.lens.ready (once the first frame with a model is drawn).
void js_api_announce_ready(AppState& state);

}  // namespace lens
