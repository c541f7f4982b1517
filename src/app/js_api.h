// The C side of window.lens (web/lens-api.js wraps these exports).
#pragma once
#include "app/core/app_state.h"
#include "app/ui.h"
#include "core/formats/bytes.h"

namespace lens {

// The exported functions act on this state (and read what the last frame drew, for the
// browser tests); called once from main.
void js_api_bind(AppState& state, const ui::FrameRecord& seen);
// Resolves window.lens.ready (once the first frame with a model is drawn).
void js_api_announce_ready(AppState& state);

// Called at the start of every frame: stops the app when a test asked for it (lens._test.crash).
void js_api_frame_hook();

// Saves bytes as a file in the visitor's downloads (a Blob behind a temporary link).
void js_download(const std::string& filename, const Bytes& bytes);

}  // namespace lens
