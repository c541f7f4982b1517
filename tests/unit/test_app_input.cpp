// The app core's input: pointer strokes on the laid-out canvas, undo and clear, and
// the live prediction that follows the input (recomputed from it, never stale).
#include <gtest/gtest.h>

#include "app/core/app_state.h"
#include "core/input/preprocess.h"
#include "interpret/ablation.h"
#include "app_fixture.h"

namespace lens {
namespace {

// The canvas as the page lays it out: 280 CSS pixels at (100, 50), shown this frame.
void lay_out_canvas(AppState& s) {
  s.canvas_rect = {100.f, 50.f, 280.f, 280.f};
  s.canvas_visible_frame = s.frame;
}

// A pointer stroke from (x0, y0) to (x1, y1) in canvas pixels, in `steps` moves.
void pointer_stroke(AppState& s, float x0, float y0, float x1, float y1, int steps = 12) {
  const float ox = s.canvas_rect.x, oy = s.canvas_rect.y;
  canvas_pointer_event(s, PointerPhase::Down, ox + x0, oy + y0);
  for (int i = 1; i <= steps; ++i)
    canvas_pointer_event(s, PointerPhase::Move, ox + x0 + (x1 - x0) * float(i) / float(steps),
                         oy + y0 + (y1 - y0) * float(i) / float(steps));
  canvas_pointer_event(s, PointerPhase::Up, ox + x1, oy + y1);
}

// What the live results must be for the current input: the network run on it.
void expect_live_matches_input(const AppState& s) {
  const Mlp& net = s.model()->bundle.net;
  const Eigen::MatrixXf logits = mlp_forward(net, s.live.x);
  const Eigen::VectorXf probs = head_probabilities(net.head, logits).col(0);
  ASSERT_EQ(s.live.probs.size(), probs.size());
  EXPECT_LT((s.live.probs - probs).cwiseAbs().maxCoeff(), 1e-5f);
  EXPECT_EQ(s.live.predicted, head_predict(net.head, logits)[0]);
  EXPECT_EQ(s.live.blank, s.live.x.isZero());
}

// The input is the drawing run through MNIST's preprocessing.
void expect_input_is_drawing(const AppState& s) {
  const Digit d = preprocess_canvas(s.drawing.canvas);
  ASSERT_EQ(s.live.x.size(), kPixels);
  EXPECT_EQ(s.live.x, Eigen::Map<const Eigen::VectorXf>(d.data(), kPixels));
}

float ink(const Drawing& d) {
  float sum = 0;
  for (float v : d.canvas.pixels) sum += v;
  return sum;
}

// A vertical pointer stroke inks the canvas, becomes the input and is predicted as a 1.
TEST(AppDrawing, PointerStrokeBecomesTheInputAndIsPredicted) {
  auto s = test::app_with_models("mlp32");
  lay_out_canvas(*s);
  EXPECT_TRUE(s->live.blank);
  pointer_stroke(*s, 140, 40, 140, 240);
  EXPECT_EQ(s->drawing.strokes.size(), 1u);
  EXPECT_FALSE(s->drawing.stroke_open);
  EXPECT_GT(ink(s->drawing), 100.f);
  EXPECT_TRUE(s->live_dirty);
  app_refresh_live(*s);
  expect_input_is_drawing(*s);
  expect_live_matches_input(*s);
  EXPECT_FALSE(s->live.blank);
  EXPECT_EQ(s->live.predicted, 1);
}

// Undo takes the last stroke back: the canvas, the input and the prediction are what
// they were before it.
TEST(AppDrawing, UndoRestoresThePreviousCanvasInputAndPrediction) {
  auto s = test::app_with_models("mlp32");
  lay_out_canvas(*s);
  pointer_stroke(*s, 140, 40, 140, 240);
  app_refresh_live(*s);
  const std::vector<float> canvas = s->drawing.canvas.pixels;
  const Eigen::VectorXf input = s->live.x, probs = s->live.probs;
  pointer_stroke(*s, 60, 140, 220, 140);  // a cross bar: now a different digit
  app_refresh_live(*s);
  ASSERT_NE(s->drawing.canvas.pixels, canvas);
  ASSERT_NE(s->live.x, input);
  app_undo(*s);
  app_refresh_live(*s);
  EXPECT_EQ(s->drawing.strokes.size(), 1u);
  EXPECT_EQ(s->drawing.canvas.pixels, canvas);  // ink only grows (max), so replaying is exact
  EXPECT_EQ(s->live.x, input);
  EXPECT_EQ(s->live.probs, probs);
  expect_live_matches_input(*s);
  app_undo(*s);  // the first stroke too: blank again
  app_refresh_live(*s);
  EXPECT_TRUE(s->drawing.strokes.empty());
  EXPECT_EQ(ink(s->drawing), 0.f);
  EXPECT_TRUE(s->live.blank);
  app_undo(*s);  // nothing left to undo: no change, no crash
  EXPECT_TRUE(s->drawing.strokes.empty());
}

// Clear blanks the canvas, the input and the undo history.
TEST(AppDrawing, ClearBlanksCanvasInputAndHistory) {
  auto s = test::app_with_models("mlp32");
  lay_out_canvas(*s);
  pointer_stroke(*s, 140, 40, 140, 240);
  pointer_stroke(*s, 60, 140, 220, 140);
  app_clear_input(*s);
  app_refresh_live(*s);
  EXPECT_TRUE(s->drawing.strokes.empty());
  EXPECT_EQ(ink(s->drawing), 0.f);
  EXPECT_TRUE(s->live.blank);
  expect_live_matches_input(*s);
  app_undo(*s);
  EXPECT_EQ(ink(s->drawing), 0.f);
}

// A stroke from the JS API draws exactly the pixels a pointer along the same path draws.
TEST(AppDrawing, ScriptStrokeDrawsWhatAPointerDraws) {
  auto by_pointer = test::app_with_models("mlp32");
  lay_out_canvas(*by_pointer);
  std::vector<float> path;
  canvas_pointer_event(*by_pointer, PointerPhase::Down, 100 + 80.f, 50 + 60.f);
  path.insert(path.end(), {80.f, 60.f});
  for (int i = 1; i <= 10; ++i) {
    const float x = 80.f + 12.f * float(i), y = 60.f + 15.f * float(i);
    canvas_pointer_event(*by_pointer, PointerPhase::Move, 100 + x, 50 + y);
    path.insert(path.end(), {x, y});
  }
  canvas_pointer_event(*by_pointer, PointerPhase::Up, 100 + 200.f, 50 + 210.f);
  auto by_script = test::app_with_models("mlp32");
  app_draw_stroke(*by_script, path);
  EXPECT_EQ(by_script->drawing.canvas.pixels, by_pointer->drawing.canvas.pixels);
  app_refresh_live(*by_script);
  app_refresh_live(*by_pointer);
  EXPECT_EQ(by_script->live.x, by_pointer->live.x);
}

// The pointer draws only on the canvas as laid out and uncovered: not beside it, not
// under the help overlay or a popup, not before the canvas was shown.
TEST(AppDrawing, PointerDrawsOnlyOnTheVisibleCanvas) {
  auto s = test::app_with_models("mlp32");
  EXPECT_FALSE(canvas_pointer_event(*s, PointerPhase::Down, 200, 200)) << "never laid out";
  lay_out_canvas(*s);
  EXPECT_FALSE(canvas_pointer_event(*s, PointerPhase::Down, 90, 200)) << "left of the canvas";
  EXPECT_FALSE(canvas_pointer_event(*s, PointerPhase::Down, 200, 340)) << "below the canvas";
  s->show_help = true;
  s->help_rect = {150.f, 100.f, 400.f, 300.f};
  EXPECT_FALSE(canvas_pointer_event(*s, PointerPhase::Down, 200, 200)) << "on the help overlay, where it covers the canvas";
  EXPECT_TRUE(s->show_help);
  s->show_help = false;
  s->canvas_covered = true;
  EXPECT_FALSE(canvas_pointer_event(*s, PointerPhase::Down, 200, 200)) << "under a popup";
  s->canvas_covered = false;
  s->frame += 2;
  EXPECT_FALSE(canvas_pointer_event(*s, PointerPhase::Down, 200, 200)) << "the canvas was not drawn last frame";
  EXPECT_FALSE(canvas_pointer_event(*s, PointerPhase::Move, 210, 210)) << "no stroke is open";
  EXPECT_TRUE(s->drawing.strokes.empty());
  lay_out_canvas(*s);
  EXPECT_TRUE(canvas_pointer_event(*s, PointerPhase::Down, 200, 200));
  EXPECT_EQ(s->drawing.strokes.size(), 1u);
}

// The first-visit help never blocks drawing: a stroke on the canvas beside it dismisses it.
TEST(AppDrawing, DrawingBesideTheHelpDismissesIt) {
  auto s = test::app_with_models("mlp32");
  lay_out_canvas(*s);
  s->show_help = true;
  s->help_rect = {400.f, 100.f, 400.f, 300.f};  // centred on the page, right of the canvas
  pointer_stroke(*s, 140, 40, 140, 240);
  EXPECT_FALSE(s->show_help);
  EXPECT_EQ(s->drawing.strokes.size(), 1u);
}

// Every key the help lists does what it says; arrows step through neurons in the inspector.
TEST(AppKeys, TheKeysTheHelpListsWork) {
  auto s = test::app_with_models("mlp32");
  app_set_test_set(*s, dataset_slice(test::mnist_test_set(), 0, 500), 0);
  lay_out_canvas(*s);
  pointer_stroke(*s, 140, 40, 140, 240);
  pointer_stroke(*s, 60, 140, 220, 140);
  ASSERT_EQ(s->drawing.strokes.size(), 2u);
  EXPECT_TRUE(app_key(*s, Key::Char, 'z', 0));
  EXPECT_EQ(s->drawing.strokes.size(), 1u) << "Z undoes";
  EXPECT_TRUE(app_key(*s, Key::Backspace, 0, 0));
  EXPECT_EQ(s->drawing.strokes.size(), 0u) << "Backspace undoes";
  pointer_stroke(*s, 140, 40, 140, 240);
  EXPECT_TRUE(app_key(*s, Key::Char, 'C', 0));
  EXPECT_TRUE(s->live.x.isZero()) << "C clears";
  EXPECT_TRUE(app_key(*s, Key::Char, 'r', 0));
  EXPECT_EQ(s->source, InputSource::TestImage) << "R shows a test digit";
  EXPECT_TRUE(app_key(*s, Key::Char, 'm', 0));
  app_refresh_live(*s);
  ASSERT_GE(s->test_index, 0);
  EXPECT_NE(s->live.predicted, s->test.labels[std::size_t(s->test_index)]) << "M shows a digit the model gets wrong";
  const int model = s->current;
  EXPECT_TRUE(app_key(*s, Key::Char, ']', 0));
  EXPECT_EQ(s->current, (model + 1) % int(s->models.size()));
  EXPECT_TRUE(app_key(*s, Key::Char, '[', 0));
  EXPECT_EQ(s->current, model);
  for (char c : {'1', '2', '3', '4', '5'}) {
    EXPECT_TRUE(app_key(*s, Key::Char, c, 0));
    EXPECT_EQ(int(s->tab), c - '1');
  }
  EXPECT_FALSE(app_key(*s, Key::Right, 0, 0)) << "arrows belong to the inspector";
  EXPECT_TRUE(app_key(*s, Key::Char, 'n', 0));
  EXPECT_EQ(s->tab, Tab::Neuron);
  EXPECT_EQ(s->sel_unit, 0);
  EXPECT_TRUE(app_key(*s, Key::Right, 0, 0));
  EXPECT_EQ(s->sel_unit, 1);
  EXPECT_TRUE(app_key(*s, Key::Left, 0, 0));
  EXPECT_TRUE(app_key(*s, Key::Left, 0, 0));
  EXPECT_EQ(s->sel_unit, 31) << "wraps to the last neuron";
  EXPECT_TRUE(app_key(*s, Key::Char, '?', 0));
  EXPECT_TRUE(s->show_help);
  EXPECT_TRUE(app_key(*s, Key::Escape, 0, 0));
  EXPECT_FALSE(s->show_help) << "Esc closes the help";
  EXPECT_FALSE(app_key(*s, Key::Char, 'q', 0)) << "other keys do nothing";
}

// Setting the input (a test digit, a script) recomputes the prediction; drawing
// afterwards starts a fresh canvas rather than drawing over the shown digit.
TEST(AppLiveInput, PredictionFollowsEveryInputChange) {
  auto s = test::app_with_models("mlp128");
  Eigen::VectorXf x = Eigen::VectorXf::Zero(kPixels);
  for (int r = 6; r < 22; ++r) x(r * kSide + 14) = 1.f;  // a 1
  const int version = s->live.version;
  app_set_input(*s, x, InputSource::TestImage, 7);
  EXPECT_TRUE(s->live_dirty);
  app_refresh_live(*s);
  EXPECT_FALSE(s->live_dirty);
  EXPECT_EQ(s->live.version, version + 1);  // the page's textures follow this
  app_refresh_live(*s);                     // nothing changed: nothing recomputed
  EXPECT_EQ(s->live.version, version + 1);
  EXPECT_EQ(s->live.x, x);
  expect_live_matches_input(*s);
  const Mlp& net = s->model()->bundle.net;
  EXPECT_EQ(s->live.contributions.rows(), net.outputs());
  EXPECT_EQ(s->live.contributions.cols(), net.layers[0].outputs());
  EXPECT_EQ(s->live.saliency.size(), kPixels);
  EXPECT_EQ(s->live.saliency_class, s->live.predicted);

  s->explain_class = 7;  // explain another class: saliency follows it
  s->live_dirty = true;
  app_refresh_live(*s);
  EXPECT_EQ(s->live.saliency_class, 7);

  app_draw_stroke(*s, {60, 140, 220, 140});
  EXPECT_EQ(s->source, InputSource::Drawing);
  EXPECT_EQ(s->test_index, -1);
  app_refresh_live(*s);
  expect_input_is_drawing(*s);
  expect_live_matches_input(*s);
}

// With neurons switched off, the live results also hold the ablated network's answer.
TEST(AppLiveInput, AblationGivesTheAblatedNetworksAnswerToo) {
  auto s = test::app_with_models("mlp32");
  app_draw_stroke(*s, {140, 40, 140, 240});
  app_refresh_live(*s);
  EXPECT_FALSE(s->live.ablated);
  for (int h = 0; h < 16; ++h) app_set_neuron_off(*s, 0, h, true);
  EXPECT_TRUE(app_neuron_off(*s, 0, 3));
  EXPECT_TRUE(s->live_dirty);
  app_refresh_live(*s);
  ASSERT_TRUE(s->live.ablated);
  const Mlp& net = s->model()->bundle.net;
  const Eigen::VectorXf expected = head_probabilities(net.head, mlp_forward_ablated(net, s->live.x, s->ablation)).col(0);
  EXPECT_LT((s->live.ablated_probs - expected).cwiseAbs().maxCoeff(), 1e-5f);
  expect_live_matches_input(*s);  // the plain prediction stays the intact network's
  app_ablation_reset(*s);
  app_refresh_live(*s);
  EXPECT_FALSE(s->live.ablated);
  EXPECT_FALSE(app_neuron_off(*s, 0, 3));
}

// Switching a channel of the shipped convnet off re-scores the test digits over frames (its
// first layer's maps are kept in slices too), to the score the whole re-score gives; an MLP's is
// done at once.
TEST(AppLiveInput, AConvnetsSwitchIsScoredOverFramesAnMlpsAtOnce) {
  auto s = test::app_with_models("cnn");
  app_set_test_set(*s, dataset_slice(test::mnist_test_set(), 0, 2000), 0);
  app_select_model(*s, model_library_find(*s, "cnn"), 0);
  double clock = 0;
  static double* now = nullptr;
  now = &clock;
  auto tick = [] { return *now += 1.0; };  // 1 ms a read
  app_set_neuron_off(*s, 0, 3, true);
  int frames = 0, scoring = 0;  // frames in all; frames with a scorer ready and the score not in yet
  for (; app_ablation_scoring(*s) && frames < 20000; ++frames) {
    app_work(*s, 3, tick);
    scoring += app_ablation_scorer(*s) && app_ablation_scoring(*s);
  }
  EXPECT_GT(scoring, 2) << "over several frames";
  EXPECT_FALSE(app_ablation_scoring(*s));
  const AblationScorer* scorer = app_ablation_scorer(*s);
  ASSERT_TRUE(scorer);
  EXPECT_EQ(s->ablation_score.accuracy, scorer->score(s->ablation).accuracy);
  EXPECT_GT(s->ablation_score.accuracy, 0.5f) << "one channel off of eight: still mostly right";

  auto m = test::app_with_models("mlp32");
  app_set_test_set(*m, dataset_slice(test::mnist_test_set(), 0, 2000), 0);
  app_set_neuron_off(*m, 0, 3, true);
  if (!app_ablation_scorer(*m)) app_work(*m, 1e9, tick);  // its scorer: from the analysis
  EXPECT_TRUE(app_ablation_scored(*m, 0, tick)) << "an MLP's re-score is done at once";
}

// XOR takes two numbers, not a drawing: switching to it and back resizes the input.
TEST(AppLiveInput, SwitchingBetweenXorAndImageModelsResizesTheInput) {
  auto s = test::app_with_models("mlp32");
  app_draw_stroke(*s, {140, 40, 140, 240});
  app_refresh_live(*s);
  app_select_model(*s, model_library_find(*s, "xor"), 0);
  app_refresh_live(*s);
  EXPECT_EQ(s->live.x.size(), 2);
  EXPECT_EQ(s->live.probs.size(), 1);
  expect_live_matches_input(*s);
  app_select_model(*s, model_library_find(*s, "mlp32"), 0);
  app_refresh_live(*s);
  expect_input_is_drawing(*s);  // the drawing was kept
  EXPECT_FALSE(s->live.blank);
  expect_live_matches_input(*s);
}

// Drawing without a pointer: on the Explore tab the arrows move a pen and Space inks; the ink
// is the input at once, as a pointer's is. Esc puts the pen away; a pointer takes over from it.
TEST(AppKeys, TheKeyboardPenDrawsADigitWithArrowsAndSpace) {
  auto s = test::app_with_models("mlp32");
  lay_out_canvas(*s);
  ASSERT_EQ(s->tab, Tab::Explore);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(app_key(*s, Key::Up, 0, 0));
  EXPECT_TRUE(s->pen.shown);
  EXPECT_FLOAT_EQ(s->pen.y, kCanvasSide / 2.f - 10 * kPenStep) << "ten MNIST pixels up";
  EXPECT_TRUE(s->drawing.strokes.empty()) << "a pen that is up leaves no ink";
  EXPECT_TRUE(app_key(*s, Key::Space, 0, 0));
  EXPECT_TRUE(s->pen.down);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(app_key(*s, Key::Down, 0, 0));
  app_refresh_live(*s);
  ASSERT_EQ(s->drawing.strokes.size(), 1u);
  EXPECT_FALSE(s->live.blank) << "the ink is the network's input while the pen is still down";
  EXPECT_EQ(s->live.predicted, 1) << "a vertical bar down the middle reads as a 1";
  EXPECT_TRUE(app_key(*s, Key::Space, 0, 0));
  EXPECT_FALSE(s->pen.down);
  EXPECT_FALSE(s->drawing.stroke_open) << "Space lifts the pen and ends the stroke";
  EXPECT_TRUE(app_key(*s, Key::Right, 0, 0, true));
  EXPECT_FLOAT_EQ(s->pen.x, kCanvasSide / 2.f + kPenStep / 4) << "Shift moves a quarter step";
  for (int i = 0; i < 40; ++i) app_key(*s, Key::Right, 0, 0);
  EXPECT_FLOAT_EQ(s->pen.x, float(kCanvasSide)) << "the pen stays on the canvas";
  EXPECT_TRUE(app_key(*s, Key::Escape, 0, 0));
  EXPECT_FALSE(s->pen.shown) << "Esc puts the pen away";
  EXPECT_EQ(s->drawing.strokes.size(), 1u) << "and keeps the ink";
  // Space on, then a pointer stroke: the pen's stroke ends and the pen goes away.
  app_key(*s, Key::Space, 0, 0);
  pointer_stroke(*s, 60, 140, 220, 140);
  EXPECT_FALSE(s->pen.shown);
  EXPECT_EQ(s->drawing.strokes.size(), 3u) << "the pen's dot, then the pointer's stroke";
  // Elsewhere the arrows keep their meaning: the Neuron tab steps through neurons.
  s->tab = Tab::Neuron;
  s->sel_layer = 0, s->sel_unit = 0;
  EXPECT_TRUE(app_key(*s, Key::Right, 0, 0));
  EXPECT_EQ(s->sel_unit, 1);
  EXPECT_FALSE(app_key(*s, Key::Space, 0, 0)) << "Space inks only where one draws";
}

// WCAG 2.1.4: single-character shortcuts can be turned off; the named keys keep working.
TEST(AppKeys, SingleKeyShortcutsCanBeTurnedOff) {
  auto s = test::app_with_models("mlp32");
  lay_out_canvas(*s);
  pointer_stroke(*s, 140, 40, 140, 240);
  s->shortcuts = false;
  for (char c : {'c', 'z', '2', '?', ']'}) EXPECT_FALSE(app_key(*s, Key::Char, c, 0)) << c;
  EXPECT_EQ(s->drawing.strokes.size(), 1u);
  EXPECT_EQ(s->tab, Tab::Explore);
  EXPECT_FALSE(s->show_help);
  EXPECT_TRUE(app_key(*s, Key::Delete, 0, 0));
  EXPECT_TRUE(s->drawing.strokes.empty()) << "Delete still clears";
  EXPECT_TRUE(app_key(*s, Key::Up, 0, 0)) << "the arrows still move the pen";
  s->shortcuts = true;
  EXPECT_TRUE(app_key(*s, Key::Char, '2', 0));
  EXPECT_EQ(s->tab, Tab::Neuron);
}

}  // namespace
}  // namespace lens
