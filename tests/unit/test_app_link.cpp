// Deep links (app/core/link.h): a URL hash is parsed, checked against the loaded
// models and applied; the view formats back into the same hash. A bad link changes
// nothing but the notice, which names every problem.
#include <gtest/gtest.h>

#include "app/core/ink_code.h"
#include "app/core/link.h"
#include "app_fixture.h"
#include "interpret/units.h"

namespace lens {
namespace {

using test::app_with_models;
using test::view_of;

using test::has;

// The link of docs/using.md opens that model, tab and neuron, in that theme and size.
TEST(AppLink, OpensTheModelTabNeuronThemeAndScaleItNames) {
  auto s = app_with_models("mlp32");
  s->show_help = true;
  const auto link = link_open(*s, "#model=mlp6-dead&tab=neuron&layer=0&neuron=1&theme=light&scale=1.5&help=0", 0);
  ASSERT_TRUE(link) << link.error;
  EXPECT_EQ(s->model()->bundle.info.id, "mlp6-dead");
  EXPECT_EQ(s->tab, Tab::Neuron);
  EXPECT_EQ(s->sel_layer, 0);
  EXPECT_EQ(s->sel_unit, 1);
  EXPECT_FALSE(s->dark);
  EXPECT_EQ(s->ui_scale, 1.5f);
  EXPECT_FALSE(s->show_help);
  EXPECT_EQ(link->help, std::optional<bool>(false));
  EXPECT_EQ(s->notice.text, "");
  ASSERT_EQ(s->ablation.clamp.size(), 1u);  // the switch went through app_select_model
  EXPECT_EQ(s->ablation.clamp[0].size(), 6);
}

// A neuron without a layer is in layer 0 and opens the inspector unless the link names a
// tab; a layer without a neuron is checked but selects nothing.
TEST(AppLink, NeuronWithoutLayerIsInLayerZeroAndOpensTheInspector) {
  auto s = app_with_models("mlp32");
  ASSERT_TRUE(link_open(*s, "#model=mlp6&neuron=4", 0));
  EXPECT_EQ(s->sel_layer, 0);
  EXPECT_EQ(s->sel_unit, 4);
  EXPECT_EQ(s->tab, Tab::Neuron);
  ASSERT_TRUE(link_open(*s, "#model=mlp2x64&tab=explore&layer=1&neuron=63", 0));
  EXPECT_EQ(s->tab, Tab::Explore);
  EXPECT_EQ(s->sel_layer, 1);
  EXPECT_EQ(s->sel_unit, 63);
  ASSERT_TRUE(link_open(*s, "#model=mlp32&layer=0", 0));
  EXPECT_EQ(s->sel_unit, -1);
  EXPECT_EQ(s->tab, Tab::Explore);
}

// Opening a formatted link and formatting the view again gives the same hash; help is an
// instruction for opening, not part of the view, so it is not written back.
TEST(AppLink, ParseApplyFormatRoundTrips) {
  for (const std::string hash : {"#model=mlp6-dead&tab=neuron&layer=0&neuron=1",
                                 "#model=mlp2x64&tab=explore&layer=1&neuron=63&theme=light&scale=1.25",
                                 "#model=xor&tab=network", "#model=mlp128&tab=outputs&scale=2",
                                 "#model=mlp32&tab=neuron&layer=0&neuron=31&theme=light&scale=1.337"}) {
    auto s = app_with_models("mlp32");
    const auto link = link_open(*s, hash + "&help=0", 0);
    ASSERT_TRUE(link) << hash << ": " << link.error;
    EXPECT_EQ(link_format(*s), hash);
    auto again = app_with_models("mlp6");
    ASSERT_TRUE(link_open(*again, link_format(*s), 0));
    EXPECT_EQ(view_of(*again), view_of(*s)) << hash;
  }
}

// Whatever the view, its link reopens it in a page that starts elsewhere.
TEST(AppLink, EveryViewFormatsToALinkThatReopensIt) {
  auto s = app_with_models("mlp32");
  const int models = int(s->models.size());
  const float scales[] = {1.f, 1.25f, 1.5f, 2.f};
  for (int m = 0; m < models; ++m)
    for (int t = 0; t < 4; ++t) {
      const Tab tab = Tab(t);
      app_select_model(*s, m, 0);
      s->tab = tab;
      s->ui_scale = scales[(m + t) % 4];
      s->dark = m % 2 == 0;
      const int last = s->hidden_layers() - 1;  // its last neuron selected, or nothing
      s->sel_layer = tab == Tab::Explore ? 0 : last;
      s->sel_unit = tab == Tab::Explore ? -1 : layer_units(s->model()->bundle.net.layers[std::size_t(last)]) - 1;
      const std::string hash = link_format(*s);
      auto fresh = app_with_models(s->model()->bundle.info.id == "mlp32" ? "mlp6" : "mlp32");
      const auto link = link_open(*fresh, hash, 0);
      ASSERT_TRUE(link) << hash << ": " << link.error;
      EXPECT_EQ(view_of(*fresh), view_of(*s)) << hash;
    }
}

// An empty hash is a link to the page as it is.
// A link can carry the Train tab's recipe: a copied address reopens it with the same settings.
TEST(AppLink, TrainingRecipeRoundTrips) {
  auto s = test::app_with_models();
  s->tab = Tab::Train;
  s->train_form = train_config_of(train_preset_kill());
  s->train_form.seed = 7;
  const std::string h = link_format(*s);
  EXPECT_NE(h.find("&recipe=%7B"), std::string::npos) << h;
  EXPECT_LT(h.size(), 400u) << "only the settings that differ from the defaults: " << h;
  auto t = test::app_with_models();
  ASSERT_TRUE(link_open(*t, h, 0)) << t->notice.text;
  EXPECT_EQ(t->tab, Tab::Train);
  EXPECT_EQ(train_config_to_json(t->train_form), train_config_to_json(s->train_form));
  EXPECT_EQ(link_format(*t), h);
  // Without a tab the recipe opens the Train tab; an XOR recipe the XOR lesson.
  auto u = test::app_with_models("xor");
  ASSERT_TRUE(link_open(*u, "#recipe=" + std::string("%7B%22dataset%22%3A%22xor%22%2C%22layers%22%3A%5B2%2C3%2C1%5D%2C%22head%22%3A%22sigmoid%22%7D"), 0))
      << u->notice.text;
  EXPECT_EQ(u->tab, Tab::Explore);
  EXPECT_EQ(u->xor_form.sizes, (std::vector<int>{2, 3, 1}));
  // A bad recipe is refused like any bad link part, and changes nothing.
  auto v = test::app_with_models();
  const std::string before = test::view_of(*v);
  EXPECT_FALSE(link_open(*v, "#recipe=%7B%22layers%22%3A%5B784%2C999%2C10%5D%7D", 0));
  EXPECT_NE(v->notice.text.find("2 to 256 neurons"), std::string::npos) << v->notice.text;
  EXPECT_FALSE(link_open(*v, "#recipe=%5B%5B%5B%5B%5B%5B%5B%5B%5B%5B%5D%5D%5D%5D%5D%5D%5D%5D%5D%5D", 0));
  EXPECT_NE(v->notice.text.find("recipe is not a JSON object"), std::string::npos) << v->notice.text;
  EXPECT_EQ(test::view_of(*v), before);
}

TEST(AppLink, EmptyHashChangesNothing) {
  for (const char* hash : {"", "#", "#&&"}) {
    auto s = app_with_models("mlp6");
    s->sel_unit = 2;
    const std::string before = view_of(*s);
    const auto link = link_open(*s, hash, 0);
    ASSERT_TRUE(link) << hash << ": " << link.error;
    EXPECT_EQ(view_of(*s), before) << hash;
    EXPECT_EQ(link->help, std::nullopt);
    EXPECT_EQ(s->notice.text, "");
  }
}

// Values may be %-escaped, as browsers and link shorteners sometimes write them.
TEST(AppLink, PercentEscapesAreDecoded) {
  auto s = app_with_models("mlp32");
  const auto link = link_open(*s, "#model=mlp6%2ddead&tab=%6Eeuron&neuron=%32", 0);
  ASSERT_TRUE(link) << link.error;
  EXPECT_EQ(s->model()->bundle.info.id, "mlp6-dead");
  EXPECT_EQ(s->tab, Tab::Neuron);
  EXPECT_EQ(s->sel_unit, 2);
}

// The neuron is checked against the model the link opens, not the one on screen.
TEST(AppLink, NeuronIsCheckedAgainstTheModelTheLinkOpens) {
  auto s = app_with_models("mlp32");
  const auto other = link_parse(*s, "#model=mlp6&neuron=10");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error, "neuron 10 does not exist in layer 0 of mlp6 (it has 6, numbered from 0)");
  EXPECT_TRUE(link_parse(*s, "#neuron=10")) << "mlp32, on screen, has it";
  EXPECT_TRUE(link_parse(*s, "#model=mlp2x64&layer=1&neuron=10"));
}

// One message names every problem of a link, so it can be mended in one go.
TEST(AppLink, ErrorNamesEveryProblem) {
  auto s = app_with_models("mlp32");
  const auto link = link_parse(*s, "#model=nope&tab=kitchen&layer=x&neuron=1&theme=blue&scale=3.5&help=yes&colour=red");
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error,
            "unknown key \"colour\"; unknown model id \"nope\" (known: xor, mlp6-dead, mlp6, mlp32, mlp128, mlp2x64, cnn); "
            "unknown tab \"kitchen\" (explore, neuron, outputs, network, train); layer \"x\" is not a number; "
            "theme \"blue\" must be dark, light or contrast; scale \"3.5\" must be a number from 1 to 3; help \"yes\" must be 0 or 1");
}

// A hash longer than any link is refused at once, by its length alone (a 200 KB hash
// used to stop the page).
TEST(AppLink, OverlongHashIsRefusedBeforeParsing) {
  auto s = app_with_models("mlp32");
  const std::string before = view_of(*s);
  std::string huge = "#";
  while (huge.size() < 200 * 1024) huge += "colour=red&";
  const auto link = link_open(*s, huge, 0);
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error, "the link is " + std::to_string(huge.size()) + " characters long, more than the 16384 a link may have");
  EXPECT_EQ(view_of(*s), before);
  EXPECT_TRUE(has(s->notice.text, "more than the 16384")) << s->notice.text;

  std::string longest = "#model=mlp6&help=0";  // padding with empty parts up to the limit is still a link
  longest.resize(kMaxLinkLength, '&');
  EXPECT_TRUE(link_open(*s, longest, 0));
  EXPECT_EQ(s->model()->bundle.info.id, "mlp6");
  EXPECT_FALSE(link_parse(*s, longest + "&"));
}

// Each bad link: refused with a message that names the problem; the view, the model and
// its analysis are as they were; the notice shows the message.
struct BadLink {
  const char* hash;
  const char* message;  // a part of the error
};

class AppLinkRefused : public ::testing::TestWithParam<BadLink> {};

TEST_P(AppLinkRefused, ChangesNothingAndSaysWhy) {
  auto s = app_with_models("mlp32");
  s->tab = Tab::Outputs;
  s->sel_unit = 5;
  s->dark = false;
  s->ui_scale = 1.25f;
  const std::string before = view_of(*s);
  const ModelAnalysis* analysis = s->analysis();
  const auto link = link_open(*s, GetParam().hash, 0);
  ASSERT_FALSE(link) << GetParam().hash;
  EXPECT_TRUE(has(link.error, GetParam().message)) << GetParam().hash << ": " << link.error;
  EXPECT_EQ(view_of(*s), before);
  EXPECT_EQ(s->analysis(), analysis);
  EXPECT_EQ(s->notice.text, "This link could not be opened (" + link.error + "), so the default view is shown.");
  EXPECT_EQ(s->notice.kind, NoticeKind::Error);
}

INSTANTIATE_TEST_SUITE_P(
    BadLinks, AppLinkRefused,
    ::testing::Values(
        BadLink{"#model=nope", "unknown model id \"nope\" (known: xor, mlp6-dead, mlp6, mlp32, mlp128, mlp2x64, cnn)"},
        BadLink{"#model=MLP32", "unknown model id \"MLP32\""},
        BadLink{"#tab=kitchen", "unknown tab \"kitchen\" (explore, neuron, outputs, network, train)"},
        BadLink{"#colour=red", "unknown key \"colour\""},
        BadLink{"#model=mlp6&model=mlp32", "model is given twice"},
        BadLink{"#model=mlp6%2", "model \"mlp6%2\" has a broken %-escape"},
        BadLink{"#tab=%zzneuron", "tab \"%zzneuron\" has a broken %-escape"},
        BadLink{"#layer=one&neuron=1", "layer \"one\" is not a number"},
        BadLink{"#neuron=-1", "neuron \"-1\" is not a number"},
        BadLink{"#neuron=1.5", "neuron \"1.5\" is not a number"},
        BadLink{"#neuron=", "neuron \"\" is not a number"},
        BadLink{"#model=mlp6&neuron=6", "neuron 6 does not exist in layer 0 of mlp6 (it has 6, numbered from 0)"},
        BadLink{"#model=mlp32&layer=1&neuron=0", "layer 1 is the output layer of mlp32"},
        BadLink{"#model=mlp32&layer=2&neuron=0", "layer 2 does not exist in mlp32 (hidden layers 0 to 0, output layer 1)"},
        BadLink{"#layer=7", "layer 7 does not exist in mlp32"},
        BadLink{"#neuron=99999999999999999999", "neuron \"99999999999999999999\" does not exist in mlp32"},
        BadLink{"#theme=blue", "theme \"blue\" must be dark, light or contrast"},
        BadLink{"#scale=3.5", "scale \"3.5\" must be a number from 1 to 3"},
        BadLink{"#scale=0.5", "scale \"0.5\" must be a number from 1 to 3"},
        BadLink{"#scale=1e0", "scale \"1e0\" must be a number from 1 to 3"},
        BadLink{"#scale=nan", "scale \"nan\" must be a number from 1 to 3"},
        BadLink{"#help=yes", "help \"yes\" must be 0 or 1"},
        BadLink{"#help", "help \"\" must be 0 or 1"},
        BadLink{"#model=mlp6&tab=neuron&neuron=1&scale=9", "scale \"9\" must be a number from 1 to 3"},
        BadLink{"#embed=yes", "embed \"yes\" must be 0 or 1"},
        BadLink{"#ink=AB*C", "ink is not a drawing (it has a character that is not base64url)"},
        BadLink{"#ink=FA", "ink is not a drawing (it ends in the middle of a stroke)"},
        BadLink{"#ink=AAEAAA", "ink is not a drawing (a stroke has a brush radius outside 1 to 50 pixels)"},
        BadLink{"#ink=FAA", "ink is not a drawing (a stroke has no points)"},
        BadLink{"#ink=FAH__w8A", "ink is not a drawing (a point lies far outside the canvas)"},
        BadLink{"#ink=FAEAAA&test=3", "ink and test both name the input (give one)"},
        BadLink{"#model=xor&ink=FAEAAA", "ink is a drawing, but xor does not take images"},
        BadLink{"#test=10000", "test \"10000\" must be a test digit from 0 to 9999"},
        BadLink{"#test=-1", "test \"-1\" must be a test digit from 0 to 9999"},
        BadLink{"#model=xor&test=1", "test names a digit, but xor does not take images"},
        BadLink{"#class=10", "class \"10\" must be a class of the model, 0 to 9"},
        BadLink{"#model=xor&class=1", "class \"1\" must be a class of the model, 0 to 0"},
        BadLink{"#off=0.32", "off: neuron 32 does not exist in layer 0 of mlp32"},
        BadLink{"#off=0.3,,0.4", "off \"\" is not a layer.neuron pair (like 0.3)"},
        BadLink{"#off=3", "off \"3\" is not a layer.neuron pair (like 0.3)"},
        BadLink{"#off=1.0", "off: layer 1 is the output layer of mlp32"}));

// A drawing, a test digit, the explained class, switched-off neurons, the contrast theme,
// a projector scale and embed mode all survive a round trip through the address bar.
TEST(AppLink, InputClassNeuronsOffThemeScaleAndEmbedRoundTrip) {
  auto s = app_with_models("mlp32");
  app_draw_stroke(*s, {100.4f, 60.f, 140.f, 62.3f, 150.f, 200.f});
  app_draw_stroke(*s, {-20.f, 300.f, 90.f, 120.f});
  s->explain_class = 7;
  app_set_neuron_off(*s, 0, 3, true);
  app_set_neuron_off(*s, 0, 17, true);
  s->contrast = true;
  s->ui_scale = 3.f;
  s->embed = true;
  s->tab = Tab::Neuron;
  app_refresh_live(*s);
  const std::string hash = link_format(*s);
  EXPECT_TRUE(has(hash, "&class=7&off=0.3,0.17&theme=contrast&scale=3&embed=1")) << hash;
  EXPECT_TRUE(has(hash, "&ink=")) << hash;

  auto t = app_with_models("mlp128");
  const auto link = link_open(*t, hash, 0);
  ASSERT_TRUE(link) << link.error;
  app_refresh_live(*t);
  EXPECT_EQ(link_format(*t), hash);
  EXPECT_EQ(t->drawing.canvas.pixels, s->drawing.canvas.pixels);  // the very same pixels
  EXPECT_EQ(t->drawing.strokes.size(), 2u);
  EXPECT_TRUE(t->live.x.isApprox(s->live.x, 0.f));
  EXPECT_TRUE((t->live.probs.array() == s->live.probs.array()).all());
  EXPECT_EQ(t->explain_class, 7);
  EXPECT_TRUE(app_neuron_off(*t, 0, 3) && app_neuron_off(*t, 0, 17) && !app_neuron_off(*t, 0, 4));
  EXPECT_TRUE(t->contrast && t->embed);
  EXPECT_EQ(t->ui_scale, 3.f);
  app_undo(*t);  // strokes, not just pixels: undo takes back the last one
  EXPECT_EQ(t->drawing.strokes.size(), 1u);
}

// A test digit named before the test set has arrived is shown when it arrives.
TEST(AppLink, TestDigitWaitsForTheTestSet) {
  auto s = app_with_models("mlp32");
  ASSERT_TRUE(link_open(*s, "#model=mlp32&test=42", 0));
  EXPECT_EQ(s->pending_test_index, 42);
  EXPECT_TRUE(has(link_format(*s), "&test=42"));
  DataSet test;
  test.images = Eigen::MatrixXf::Zero(kPixels, 50);
  test.images(300, 42) = 1.f;
  test.labels.assign(50, 3);
  app_set_test_set(*s, std::move(test), 0);
  EXPECT_EQ(s->source, InputSource::TestImage);
  EXPECT_EQ(s->test_index, 42);
  EXPECT_EQ(s->live.x(300), 1.f);
  EXPECT_EQ(s->pending_test_index, -1);
  EXPECT_TRUE(has(link_format(*s), "&test=42"));
}

// Drawn points are kept to whole canvas pixels, so the link holds exactly the drawing.
TEST(AppLink, InkCodeRoundTripsStrokes) {
  std::vector<Stroke> strokes = {Stroke{10.f, {0.f, 0.f, 279.f, 279.f, 140.f, -30.f}}, Stroke{4.5f, {5.f, 6.f}}};
  const auto back = ink_decode(ink_encode(strokes));
  ASSERT_TRUE(back) << back.error;
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].xy, strokes[0].xy);
  EXPECT_EQ((*back)[0].radius, 10.f);
  EXPECT_EQ((*back)[1].xy, strokes[1].xy);
  EXPECT_EQ((*back)[1].radius, 4.5f);
  EXPECT_EQ(ink_encode({}), "");
}

}  // namespace
}  // namespace lens
