// The notice's kinds and lifetime (app/core/notice.h), and the embed's way back to the drawing
// (app_away_from_drawing, Esc): what the reader sees after a click, a key, or a while.
#include <gtest/gtest.h>

#include "app/core/link.h"
#include "app/core/notice.h"
#include "app_fixture.h"

namespace lens {
namespace {

// An error stays however long the reader reads it; the next action takes it away.
TEST(Notice, AnErrorStaysUntilTheNextAction) {
  Notice n;
  notice_error(n, "This link could not be opened (neuron 99 of layer 0 does not exist).");
  EXPECT_LT(notice_tick(n, 1000), 0) << "no fade for an error";
  EXPECT_EQ(n.shown_ms, 1000) << "its clock starts when it is first drawn";
  EXPECT_LT(notice_tick(n, 1000 + 100 * kNoticeFadeMs), 0);
  EXPECT_EQ(n.kind, NoticeKind::Error);
  EXPECT_FALSE(n.empty()) << "still there, long after";
  notice_action(n);
  EXPECT_TRUE(n.empty()) << "gone after the next click or key";
}

// A success (or news) goes after the next action, or by itself after kNoticeFadeMs.
TEST(Notice, ASuccessFadesAfterAWhileOrTheNextAction) {
  Notice n;
  notice_success(n, "Copied the embed code (700x500) to the clipboard.");
  EXPECT_DOUBLE_EQ(notice_tick(n, 500), kNoticeFadeMs);
  EXPECT_DOUBLE_EQ(notice_tick(n, 500 + kNoticeFadeMs - 1), 1) << "the milliseconds left, for the page's timer";
  EXPECT_FALSE(n.empty());
  EXPECT_LT(notice_tick(n, 500 + kNoticeFadeMs), 0);
  EXPECT_TRUE(n.empty()) << "faded";
  notice_info(n, "measuring again.");
  notice_tick(n, 0);
  notice_action(n);
  EXPECT_TRUE(n.empty()) << "gone after the next action";
}

// The action that sets a notice does not take it away: the page calls notice_action before it
// handles the action, so the notice the action sets stays until the action after it.
TEST(Notice, ANoticeSetByAnActionStaysUntilTheNextOne) {
  Notice n;
  notice_error(n, "old");
  notice_action(n);  // the press on "Export"...
  notice_error(n, "Export: the figure could not be drawn");  // ...whose handling fails
  EXPECT_EQ(n.text, "Export: the figure could not be drawn");
  notice_success(n, "Saved mlp32-l0-n3-actmax-light-4x.png (in your downloads).");
  EXPECT_EQ(n.kind, NoticeKind::Success) << "a newer notice replaces the one before, kind and all";
  EXPECT_EQ(n.shown_ms, -1) << "and its clock starts again";
  EXPECT_STREQ(notice_kind_name(NoticeKind::Info), "info");
  EXPECT_STREQ(notice_kind_name(NoticeKind::Success), "success");
  EXPECT_STREQ(notice_kind_name(NoticeKind::Error), "error");
}

// Every view an embed reaches is one it can leave: cards, neuron links and keys open the other
// tabs; each is away from the drawing, and Esc goes back. Esc in the full page only closes the help.
TEST(EmbedNavigation, EveryOtherViewGoesBackToTheDrawingWithEsc) {
  auto s = test::app_with_models("mlp32");
  ASSERT_TRUE(link_open(*s, "#model=mlp32&tab=neuron&layer=0&neuron=3&embed=1", 0));
  EXPECT_TRUE(s->embed);
  for (char key : {'2', '3', '4', '5', 'n', 'p'}) {
    ASSERT_TRUE(app_key(*s, Key::Char, key, 0)) << key;
    EXPECT_TRUE(app_away_from_drawing(*s)) << "after " << key;
    EXPECT_TRUE(app_key(*s, Key::Escape, 0, 0)) << "after " << key;
    EXPECT_EQ(s->tab, Tab::Explore) << "after " << key;
    EXPECT_FALSE(app_away_from_drawing(*s));
  }
  EXPECT_FALSE(app_key(*s, Key::Escape, 0, 0)) << "on the drawing, Esc has nowhere to go";
  EXPECT_FALSE(app_key(*s, Key::Char, '?', 0)) << "an embed shows no help";
  EXPECT_FALSE(s->show_help);
  ASSERT_TRUE(link_open(*s, "#model=mlp32&help=1&embed=1", 0));
  EXPECT_FALSE(s->show_help) << "not even when a link asks for it";
  s->embed = false;
  s->tab = Tab::Neuron;
  EXPECT_FALSE(app_key(*s, Key::Escape, 0, 0)) << "the full page has its tabs";
  EXPECT_EQ(s->tab, Tab::Neuron);
}

// A model of the plane shows the plane on every tab but Train: only Train is away from it.
TEST(EmbedNavigation, APlaneModelIsAwayOnlyOnTheTrainTab) {
  auto s = test::app_with_models("xor");
  s->embed = true;
  s->tab = Tab::Neuron;
  EXPECT_FALSE(app_away_from_drawing(*s)) << "the plane is on screen";
  s->tab = Tab::Train;
  EXPECT_TRUE(app_away_from_drawing(*s));
  EXPECT_TRUE(app_key(*s, Key::Escape, 0, 0));
  EXPECT_FALSE(app_away_from_drawing(*s));
}

}  // namespace
}  // namespace lens
