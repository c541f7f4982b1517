// One function per panel, each reading and writing the AppState.
#pragma once
#include "app/app_state.h"

namespace lens {

void panel_model(AppState& s);

}  // namespace lens
