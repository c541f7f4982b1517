// The accessible mirror's data (app/core/a11y.h): node ids stay the same from frame to frame
// and tell repeats apart, the JSON web/a11y.js reads, a DOM press as the pointer ImGui sees
// over the next frames, a slider value taken once, and the prediction in words.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/core/a11y.h"

namespace lens {
namespace {

A11yNode node(A11yRole role, const std::string& name, float x = 0, float y = 0, float w = 10, float h = 10) {
  A11yNode n;
  n.role = role, n.name = name, n.x = x, n.y = y, n.w = w, n.h = h;
  return n;
}

// The id is the role and the name; a repeat in the same frame gets "#2", "#3".
TEST(A11yTree, IdsAreRoleAndNameWithRepeatsNumbered) {
  A11yTree t;
  EXPECT_EQ(a11y_add(t, node(A11yRole::Button, "Undo")), "button:Undo");
  EXPECT_EQ(a11y_add(t, node(A11yRole::Tab, "Undo")), "tab:Undo");
  EXPECT_EQ(a11y_next_id(t, A11yRole::Button, "Undo"), "button:Undo#2");
  EXPECT_EQ(a11y_add(t, node(A11yRole::Button, "Undo")), "button:Undo#2");
  EXPECT_EQ(a11y_add(t, node(A11yRole::Button, "Undo")), "button:Undo#3");
  ASSERT_NE(a11y_find(t, "button:Undo#2"), nullptr);
  EXPECT_EQ(a11y_find(t, "button:Nothing"), nullptr);
}

// A number field (a seed) carries its value exactly, an offscreen control says so, and a card
// its grid (web/a11y.js moves between a grid's controls with the arrow keys).
TEST(A11yJson, NumberFieldsAreExactAndOffscreenAndGridAreCarried) {
  A11yTree t;
  A11yNode seed = node(A11yRole::Number, "seed");
  seed.now = 20261203, seed.min = 0, seed.max = 2147483647;
  a11y_add(t, seed);
  A11yNode card = node(A11yRole::Button, "Neuron 3, dead");
  card.offscreen = true, card.grid = "cards of layer 0";
  a11y_add(t, card);
  const nlohmann::json j = nlohmann::json::parse(a11y_json(t));
  EXPECT_EQ(j[0]["role"], "number");
  EXPECT_EQ(j[0]["now"].get<double>(), 20261203.0);
  EXPECT_EQ(j[0]["max"].get<double>(), 2147483647.0);
  EXPECT_FALSE(j[0].contains("offscreen"));
  EXPECT_EQ(j[1]["offscreen"], true);
  EXPECT_EQ(j[1]["grid"], "cards of layer 0");
}

// The JSON holds what each role needs and nothing else; rectangles are rounded to 1/10 px.
TEST(A11yJson, CarriesRoleStateRangeAndRoundedRect) {
  A11yTree t;
  A11yNode s = node(A11yRole::Slider, "Brush size", 10.04f, 20.06f, 100.f, 24.f);
  s.now = 12, s.min = 4, s.max = 24, s.step = 1, s.value = "brush 12";
  a11y_add(t, s);
  A11yNode sw = node(A11yRole::Switch, "Neuron switched off");
  sw.state = 1;
  a11y_add(t, sw);
  a11y_add(t, node(A11yRole::Text, "Quote \" and \\ and a line\nbreak"));
  const nlohmann::json j = nlohmann::json::parse(a11y_json(t));
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["role"], "slider");
  EXPECT_EQ(j[0]["now"], 12);
  EXPECT_EQ(j[0]["max"], 24);
  EXPECT_EQ(j[0]["value"], "brush 12");
  EXPECT_DOUBLE_EQ(j[0]["rect"][0].get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(j[0]["rect"][1].get<double>(), 20.1);
  EXPECT_EQ(j[1]["state"], true);
  EXPECT_FALSE(j[1].contains("now"));
  EXPECT_EQ(j[2]["name"], "Quote \" and \\ and a line\nbreak");
  EXPECT_FALSE(j[2].contains("state"));
}

// A name that is not UTF-8 (a model named in a file) is replaced, not thrown over.
TEST(A11yJson, ReplacesBytesThatAreNotUtf8) {
  A11yTree t;
  a11y_add(t, node(A11yRole::Option, std::string("model \xff")));
  const nlohmann::json j = nlohmann::json::parse(a11y_json(t));
  EXPECT_EQ(j[0]["name"], "model \xef\xbf\xbd");  // U+FFFD
}

// A press: hovered at the centre, pressed, released there (the click), then no pointer at all.
TEST(A11yPress, HoversPressesReleasesAtTheCentreThenLeaves) {
  A11yPress p;
  a11y_press(p, node(A11yRole::Button, "Undo", 100, 40, 60, 20));
  std::vector<TouchPointer> frames;
  while (a11y_press_busy(p)) frames.push_back(a11y_press_frame(p));
  ASSERT_EQ(frames.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(frames[std::size_t(i)].own && frames[std::size_t(i)].visible);
    EXPECT_FLOAT_EQ(frames[std::size_t(i)].x, 130.f);
    EXPECT_FLOAT_EQ(frames[std::size_t(i)].y, 50.f);
  }
  EXPECT_FALSE(frames[0].down);
  EXPECT_TRUE(frames[1].down);
  EXPECT_FALSE(frames[2].down);
  EXPECT_TRUE(frames[3].own);
  EXPECT_FALSE(frames[3].visible);
  EXPECT_FALSE(a11y_press_frame(p).own);  // then the mouse is the backend's again
}

// A slider's value is taken by its id, once.
TEST(A11yInbox, ValueIsTakenOnceByItsId) {
  A11yInbox in;
  in.values.push_back({"slider:Neuron", 5.f});
  double v = 0;
  EXPECT_FALSE(a11y_take_value(in, "slider:Brush size", &v));
  EXPECT_TRUE(a11y_take_value(in, "slider:Neuron", &v));
  EXPECT_FLOAT_EQ(v, 5.f);
  EXPECT_FALSE(a11y_take_value(in, "slider:Neuron", &v));
}

// The status names the answer and the runner-up with whole percentages.
TEST(A11yStatus, NamesTheAnswerAndTheRunnerUp) {
  Eigen::VectorXf p = Eigen::VectorXf::Zero(10);
  p(2) = 0.97f, p(3) = 0.02f, p(7) = 0.01f;
  EXPECT_EQ(a11y_prediction_status(p, false), "Predicted 2, 97%. Next: 3, 2%.");
  EXPECT_EQ(a11y_prediction_status(p, true), "Nothing drawn yet.");
}

}  // namespace
}  // namespace lens
