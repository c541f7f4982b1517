// One function per panel, each reading and writing the AppState; the GPU
// images they show live in Gfx. main calls panel_page once per frame.
#pragma once
#include "app/core/app_state.h"
#include "app/gfx.h"
#include "app/core/app_training.h"

namespace lens {

void panel_page(AppState& s, Gfx& g, double now_ms);   // the whole page: top bar + current tab
void panel_top_bar(AppState& s, double now_ms);
void panel_explore(AppState& s, Gfx& g);                // draw, prediction, attribution, neuron grid
void panel_draw(AppState& s, Gfx& g, float width, bool compact = false);  // compact: no title, one row of buttons
void panel_prediction(AppState& s, float width);
void panel_prediction_compact(AppState& s, float width, float bar_height = 0);  // ten columns in a row
void panel_contributions(AppState& s, float width);
void panel_neuron_grid(AppState& s, Gfx& g, int layer, float width, float height);
void panel_neuron(AppState& s, Gfx& g);                 // the inspector
void panel_outputs(AppState& s, Gfx& g);
void panel_network(AppState& s, double now_ms);
// The input normalization: where it came from, and the control that changes a loaded model's (panel_norm.cpp).
void panel_norm(AppState& s, double now_ms);
void panel_xor(AppState& s, Gfx& g, double now_ms);    // XOR's lesson: the input square, and training it
void panel_train(AppState& s, Gfx& g, double now_ms);  // train a network in the page
void draw_training_curves(const AppState& s, float w, float h);
// Train, or while a run is active Pause/Play, Step (and Stop); true when Train was pressed.
bool training_buttons(AppState& s, bool active, bool with_stop, double now_ms);
void panel_help(AppState& s);
void panel_export_menu(AppState& s);  // the Export button and its menu (panel_export.cpp)
void panel_story_banner(AppState& s);

}  // namespace lens
