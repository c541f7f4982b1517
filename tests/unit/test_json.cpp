// Untrusted JSON (core/formats/json.h): one parser with one size limit and one depth limit,
// and every boundary that reads JSON from outside refuses what it refuses, with its reason.
#include <gtest/gtest.h>

#include <string>

#include "app/core/api_args.h"
#include "app/core/link.h"
#include "app_fixture.h"
#include "core/formats/json.h"

namespace lens {
namespace {

std::string nested(std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

TEST(JsonNestingDepth, CountsBracketsOutsideStrings) {
  auto depth = [](const std::string& t) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(t.data());
    return json_nesting_depth(p, p + t.size());
  };
  EXPECT_EQ(depth(""), 0u);
  EXPECT_EQ(depth("3"), 0u);
  EXPECT_EQ(depth("{}"), 1u);
  EXPECT_EQ(depth("{\"a\": [[1], {\"b\": []}], \"c\": {}}"), 4u);
  EXPECT_EQ(depth("[\"[[[{{{\"]"), 1u);              // brackets in a string do not count
  EXPECT_EQ(depth("[\"\\\"[[[\", [[]]]"), 3u);         // nor after an escaped quote: ["\"[[[", [[]]]
  EXPECT_EQ(depth("[\"\\\\\", [[]]]"), 3u);           // an escaped backslash ends no string early: ["\\", [[]]]
  EXPECT_EQ(depth("]]]]{[}"), 2u);                   // stray closers cannot hide what follows
  EXPECT_EQ(depth(std::string(10000, '[')), 10000u);  // unbalanced: still counted
  EXPECT_EQ(depth("\"" + std::string(100, '[')), 0u);  // an unterminated string is the parser's error
}

TEST(JsonParse, ReadsValidTextUpToBothLimits) {
  const auto j = json_parse("{\"a\": [1, 2.5, \"x\"], \"b\": null}");
  ASSERT_TRUE(j) << j.error;
  EXPECT_EQ((*j)["a"][1], 2.5);
  const auto deepest = json_parse(nested(kJsonMaxDepth));
  EXPECT_TRUE(deepest) << deepest.error;
  std::string longest = "\"" + std::string(kJsonMaxBytes - 2, 'x') + "\"";
  const auto last = json_parse(longest);
  ASSERT_TRUE(last) << last.error;
  EXPECT_EQ(last->get<std::string>().size(), kJsonMaxBytes - 2);
}

TEST(JsonParse, RefusesTextTooDeepTooLongOrInvalidSayingWhich) {
  EXPECT_EQ(json_parse(nested(kJsonMaxDepth + 1)).error, "nested 65 levels deep (at most 64 allowed)");
  EXPECT_EQ(json_parse(std::string(100000, '{')).error, "nested 100000 levels deep (at most 64 allowed)");
  EXPECT_EQ(json_parse(std::string(kJsonMaxBytes + 1, ' ')).error, "too long: 1048577 bytes (at most 1048576)");
  EXPECT_EQ(json_parse("{\"a\": }").error.rfind("not valid JSON at byte 7: ", 0), 0u) << json_parse("{\"a\": }").error;
  EXPECT_EQ(json_parse("").error.rfind("not valid JSON at byte 1: ", 0), 0u) << json_parse("").error;
  EXPECT_EQ(json_parse("[1] 2").error.rfind("not valid JSON at byte 5: ", 0), 0u) << "one value, nothing after it";
}

// The numbers JavaScript has and JSON lacks are named where they stand (a recipe written by hand).
TEST(JsonParse, NamesNaNAndInfinityAndWhereTheyStand) {
  EXPECT_EQ(json_parse("{\"lr\": NaN}").error, "not valid JSON at byte 8: NaN is not a JSON number (JSON numbers are finite)");
  EXPECT_EQ(json_parse("[Infinity]").error, "not valid JSON at byte 2: Infinity is not a JSON number (JSON numbers are finite)");
  EXPECT_NE(json_parse("[1, -Infinity]").error.find("at byte 6: -Infinity is not a JSON number"), std::string::npos)
      << json_parse("[1, -Infinity]").error;
}

// The page's JSON boundaries (a link's recipe, lens.loadBundle's options) refuse with the
// parser's reason: no boundary has a limit of its own.
TEST(JsonParse, EveryBoundaryHasTheSameLimits) {
  auto s = test::app_with_models();
  const std::string before = test::view_of(*s);
  std::string hash = "#recipe=";
  for (char c : "{\"a\":" + nested(kJsonMaxDepth) + "}") hash += c == '[' ? "%5B" : c == ']' ? "%5D" : std::string(1, c);
  EXPECT_FALSE(link_open(*s, hash, 0));
  EXPECT_NE(s->notice.text.find("nested 65 levels deep"), std::string::npos) << s->notice.text;
  EXPECT_EQ(test::view_of(*s), before);

  const auto options = check_import_options("{\"name\": " + nested(kJsonMaxDepth) + "}");
  ASSERT_FALSE(options);
  EXPECT_NE(options.error.find("nested 65 levels deep"), std::string::npos) << options.error;
  const auto broken = check_import_options("{\"name\": ");
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error.find("not valid JSON"), std::string::npos) << broken.error;
}

}  // namespace
}  // namespace lens
