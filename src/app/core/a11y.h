// The page's accessible mirror, as data. The page is one canvas drawn by ImGui, which a screen
// reader cannot read and a keyboard cannot walk; so each frame the panels declare what they
// drew (a role, a name, a state, a rectangle) and web/a11y.js keeps real DOM elements over the
// canvas in step with that list, as Flutter web does with its semantics tree.
// The way back: activating a DOM control presses its ImGui item at the rectangle's centre over
// the next frames (the pointer route a finger takes, touch_gesture.h), and a slider's new
// value is handed to the slider's helper, which applies it as a drag would.
// Pure logic, no ImGui: the shell's ui:: helpers declare the nodes, main.cpp applies the press.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include <Eigen/Core>

#include "app/core/touch_gesture.h"

namespace lens {

enum class A11yRole {
  Button,    // <button>; `state` 1/0: a toggle's aria-pressed
  Tab,       // role=tab in a role=tablist; `state`: selected
  Switch,    // <input type=checkbox role=switch>; `state`: checked
  Slider,    // <input type=range>: now, min, max, step; `value`: what the slider shows ("brush 12")
  Number,    // <input type=number>: now, min, max, step (a seed)
  Combobox,  // a button that opens a list; `value`: the choice shown; `state`: the list is open
  Option,    // an item of the open list (role=option in a role=listbox); `state`: selected
  Heading,   // <h2>, `level` 2..4
  Text,      // <p>
  Image,     // role=img with a name that says what it shows
  Status,    // an aria-live=polite region: `value` is what it announces
};

struct A11yNode {
  A11yRole role = A11yRole::Text;
  std::string id;     // role and name, "#2", "#3" for repeats in one frame: the same from frame to frame
  std::string name;   // what a screen reader says for it
  std::string value;  // a slider's or combobox's shown value, a status's sentence
  int state = -1;     // pressed, selected, checked or expanded: 1 or 0; -1: the role has none
  double now = 0, min = 0, max = 0, step = 1;  // a slider's or number field's value and range (a seed: exact)
  int level = 0;                              // a heading's level
  float x = 0, y = 0, w = 0, h = 0;           // where it is drawn, CSS pixels
  bool offscreen = false;  // a control scrolled out of its window's view: at the edge it is nearest, 0 high
  std::string grid;        // controls laid out as a grid (a layer's cards): the arrow keys move between them
};

// What one frame declared, in reading order.
struct A11yTree {
  std::vector<A11yNode> nodes;
  std::unordered_map<std::string, int> repeats;  // "role:name" -> how many nodes have it so far
};

// The id a node of this role and name gets when it is added now (a slider asks before it draws,
// to find the value waiting for it).
std::string a11y_next_id(const A11yTree& t, A11yRole role, const std::string& name);
// Adds the node with its id; returns the id.
const std::string& a11y_add(A11yTree& t, A11yNode n);
const A11yNode* a11y_find(const A11yTree& t, const std::string& id);
// The list as JSON for web/a11y.js: [{id, role, name, value?, state?, now?, min?, max?, step?,
// level?, rect: [x, y, w, h]}]; rectangles rounded to 1/10 px so that a sub-pixel jitter
// does not count as a change.
std::string a11y_json(const A11yTree& t);
const char* a11y_role_name(A11yRole role);

// A press of a DOM control: the pointer ImGui sees over the next frames, one state a frame:
// over the item (so it is hovered), pressed, released (the click), then gone (no tooltip).
struct A11yPress {
  std::vector<TouchPointer> queued;
};
void a11y_press(A11yPress& p, const A11yNode& n);
// Once a frame, before ImGui's frame begins: the pointer to show ImGui (own = false: none).
TouchPointer a11y_press_frame(A11yPress& p);
bool a11y_press_busy(const A11yPress& p);

// A slider's value set from the DOM (arrow keys, Home, End), for the slider helper to apply.
struct A11yValue {
  std::string id;
  double value = 0;
};

// What the DOM asked of the app since the last frame.
struct A11yInbox {
  A11yPress press;
  std::vector<A11yValue> values;
  bool close_popups = false;  // Esc: close the open list or menu
  std::string reveal;         // the id of an offscreen control the DOM focused: its window scrolls to it
};
// The value waiting for this id, if any (taken: applied once).
bool a11y_take_value(A11yInbox& in, const std::string& id, double* value);

// The prediction in words, for the live status: "Predicted 2, 97%. Next: 3, 2%.";
// "Nothing drawn yet." for an empty canvas.
std::string a11y_prediction_status(const Eigen::VectorXf& probs, bool blank);

}  // namespace lens
