// Figures and export: the raster figures come out exactly scale times their base size
// and decode as PNG, text lands where the layout puts it, the zip writer's archive reads
// back entry by entry, and the app core's export checks its arguments and produces the
// report lens-report writes.
#include <gtest/gtest.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

#include "app/core/export.h"
#include "app_fixture.h"
#include "core/formats/crc32.h"
#include "figures/figures.h"
#include "figures/zip.h"
#include "report/report.h"
#include "report/report_xor.h"

namespace lens {
namespace {

const Font& font() {
  static const Font f = [] {
    auto r = Font::load("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");  // fonts-dejavu-core
    EXPECT_TRUE(r) << r.error;
    return r ? *r : Font();
  }();
  return f;
}

struct Decoded {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;
  std::array<int, 3> at(int x, int y) const {
    const std::size_t i = (std::size_t(y) * std::size_t(width) + std::size_t(x)) * 4;
    return {rgba[i], rgba[i + 1], rgba[i + 2]};
  }
};

Decoded decode(const Bytes& png) {
  Decoded d;
  int channels = 0;
  std::uint8_t* p = stbi_load_from_memory(png.data(), int(png.size()), &d.width, &d.height, &channels, 4);
  EXPECT_NE(p, nullptr) << "not a PNG";
  if (p) d.rgba.assign(p, p + std::size_t(d.width) * std::size_t(d.height) * 4);
  stbi_image_free(p);
  return d;
}

// A vertical stroke in the middle of a 28x28 image.
Eigen::VectorXf stroke() {
  Eigen::VectorXf x = Eigen::VectorXf::Zero(784);
  for (int y = 4; y < 24; ++y) x(y * 28 + 14) = 1.f;
  return x;
}

TEST(Figures, DigitIsScaleTimesItsBaseSizeWithSquarePixels) {
  for (int scale : {1, 3}) {
    const Decoded d = decode(png_encode(figure_digit(stroke(), {scale, false})));
    EXPECT_EQ(d.width, kFigureDigitSide * scale);
    EXPECT_EQ(d.height, kFigureDigitSide * scale);
    const int px = 8 * scale;  // device pixels per MNIST pixel
    EXPECT_EQ(d.at(14 * px, 10 * px), (std::array<int, 3>{0, 0, 0}));             // ink: black on white
    EXPECT_EQ(d.at(14 * px - 1, 10 * px), (std::array<int, 3>{255, 255, 255}));   // the pixel to its left: paper
  }
}

TEST(Figures, DarkThemeDrawsLightInkOnTheDarkGround) {
  const Decoded d = decode(png_encode(figure_digit(stroke(), {2, true})));
  EXPECT_EQ(d.at(14 * 16, 10 * 16), (std::array<int, 3>{255, 255, 255}));
  EXPECT_EQ(d.at(0, 0), (std::array<int, 3>{0, 0, 0}));
}

TEST(Figures, GridSizeFollowsTheDocumentedFormula) {
  const Eigen::MatrixXf images = Eigen::MatrixXf::Zero(784, 32);
  const Decoded d = decode(png_encode(figure_grid(images, {3}, font(), {2, false})));
  // 32 units: 8 columns, 4 rows; tile 56, label 16, gap 8, margin 12 (figures.h).
  EXPECT_EQ(d.width, 2 * (2 * 12 + 8 * 64 - 8));
  EXPECT_EQ(d.height, 2 * (2 * 12 + 4 * 80 - 8));
  EXPECT_EQ(figure_grid_columns(6), 6);
  EXPECT_EQ(figure_grid_columns(128), 16);
}

// Whether any pixel in the box differs from the ground colour of pixel (0, 0).
bool inked(const Decoded& d, int x0, int y0, int x1, int y1) {
  const auto ground = d.at(0, 0);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x)
      if (d.at(x, y) != ground) return true;
  return false;
}

TEST(Figures, ChartDrawsItsHeadingAndLabelsAsText) {
  BarChart chart;
  chart.values = {1, 2, 0.5f};
  chart.labels = {"0", "1", "2"};
  chart.colours = {kChartStrong, kChartOther, kChartOther};
  chart.axis = "mean activation";
  const Decoded d = decode(png_encode(figure_bar_chart(chart, "Neuron 3", font(), {4, false})));
  ASSERT_EQ(d.width, kFigureChartWidth * 4);
  ASSERT_EQ(d.height, kFigureChartHeight * 4);
  EXPECT_TRUE(inked(d, 12 * 4, 8 * 4, 70 * 4, 22 * 4));   // the heading, at 13 units from x = 12, baseline 20
  EXPECT_FALSE(inked(d, 200 * 4, 4 * 4, 390 * 4, 22 * 4));  // ... and nothing right of it (a short heading)
  EXPECT_TRUE(inked(d, 0, 80 * 4, 20 * 4, 140 * 4));        // the rotated axis title on the left
}

TEST(Figures, ConfusionMatrixAndPredictionHaveTheirBaseSizeTimesScale) {
  Eigen::MatrixXi m = Eigen::MatrixXi::Identity(10, 10) * 980;
  m(3, 5) = 12;
  const Decoded c = decode(png_encode(figure_confusion(m, font(), {1, true})));
  EXPECT_EQ(c.width, kFigureConfusionWidth);
  EXPECT_EQ(c.height, kFigureConfusionHeight);
  PredictionFigure p;
  p.input = stroke();
  p.probs = Eigen::VectorXf::Constant(10, 0.1f);
  p.predicted = 1;
  p.explained = 1;
  p.contributions = Eigen::VectorXf::LinSpaced(6, -1.f, 1.5f);
  const Decoded q = decode(png_encode(figure_prediction(p, font(), {3, false})));
  EXPECT_EQ(q.width, kFigurePredictionWidth * 3);
  EXPECT_EQ(q.height, kFigurePredictionHeight * 3);
}

TEST(Fonts, DecodesUtf8AndMeasuresText) {
  EXPECT_EQ(utf8_codepoints("a\u2212\u2192"), (std::vector<int>{'a', 0x2212, 0x2192}));
  EXPECT_EQ(utf8_codepoints(std::string("\xff", 1)), (std::vector<int>{0xFFFD}));
  EXPECT_EQ(utf8_codepoints(std::string("\xe2\x88", 2)).front(), 0xFFFD);  // cut short
  EXPECT_GT(font().width("10", 12), font().width("1", 12));
  EXPECT_NEAR(font().width("10", 24), 2 * font().width("10", 12), 0.01);
  EXPECT_FALSE(Font::from_bytes(Bytes{1, 2, 3}));
}

// Reads a stored zip back through its central directory, as unzip does.
std::vector<ZipEntry> unzip_stored(const Bytes& z) {
  auto u16 = [&](std::size_t i) { return get_le_u16(&z[i]); };
  auto u32 = [&](std::size_t i) { return get_le_u32(&z[i]); };
  const std::size_t end = z.size() - 22;
  EXPECT_EQ(u32(end), 0x06054b50u);
  std::vector<ZipEntry> out;
  std::size_t at = u32(end + 16);
  for (std::uint32_t k = 0; k < u16(end + 10); ++k) {
    EXPECT_EQ(u32(at), 0x02014b50u);
    const std::uint32_t crc = u32(at + 16), size = u32(at + 24), name = u16(at + 28), local = u32(at + 42);
    EXPECT_EQ(u32(local), 0x04034b50u);
    const std::size_t data = local + 30 + u16(local + 26) + u16(local + 28);
    ZipEntry e{std::string(z.begin() + std::ptrdiff_t(at + 46), z.begin() + std::ptrdiff_t(at + 46 + name)),
               Bytes(z.begin() + std::ptrdiff_t(data), z.begin() + std::ptrdiff_t(data + size))};
    EXPECT_EQ(crc32(e.data.data(), e.data.size()), crc) << e.path;
    out.push_back(e);
    at += 46 + name + u16(at + 30) + u16(at + 32);
  }
  return out;
}

TEST(Zip, StoredArchiveReadsBackEntryByEntry) {
  const std::vector<ZipEntry> in = {{"README.md", {'#', ' ', 'h', 'i'}}, {"figures/a.png", Bytes(1000, 7)}, {"empty", {}}};
  const Bytes z = zip_stored(in);
  const std::vector<ZipEntry> out = unzip_stored(z);
  ASSERT_EQ(out.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i].path, in[i].path);
    EXPECT_EQ(out[i].data, in[i].data);
  }
  EXPECT_EQ(zip_stored(in), z);  // no clock in it: the same entries give the same bytes
}

TEST(Export, RefusesBadNamesScalesThemesAndNeurons) {
  auto s = test::app_with_models("mlp32");
  EXPECT_NE(check_figure(*s, "histogram", -1, -1, 1, "").error.find("unknown figure \"histogram\" (known: actmax,"), std::string::npos);
  EXPECT_NE(check_figure(*s, "actmax", 0, 3, 9, "").error.find("scale must be an integer from 1 to 8"), std::string::npos);
  EXPECT_NE(check_figure(*s, "view", -1, -1, 5, "").error.find("from 1 to 4"), std::string::npos);
  EXPECT_NE(check_figure(*s, "grid", 0, -1, 1, "sepia").error.find("theme must be"), std::string::npos);
  EXPECT_FALSE(check_figure(*s, "actmax", 0, 32, 1, ""));           // mlp32 has neurons 0-31
  EXPECT_TRUE(check_figure(*s, "actmax", 1, 9, 1, ""));             // the output layer has images too
  EXPECT_FALSE(check_figure(*s, "classes", 1, 9, 1, ""));           // ... but no class chart
  EXPECT_NE(check_figure(*s, "actmax", -1, -1, 1, "").error.find("no neuron is selected"), std::string::npos);
  EXPECT_FALSE(check_figure(*s, "grid", 2, -1, 1, ""));
  auto deep = test::app_with_models("mlp2x64");
  EXPECT_NE(check_figure(*deep, "weights", 1, 0, 1, "").error.find("only the first hidden layer"), std::string::npos);
  auto x = test::app_with_models("xor");
  EXPECT_NE(check_figure(*x, "actmax", 0, 0, 1, "").error.find("actmax: "), std::string::npos);
  EXPECT_TRUE(check_figure(*x, "view", -1, -1, 2, "dark"));
}

TEST(Export, SelectedNeuronAndThemeFillIn) {
  auto s = test::app_with_models("mlp32");
  s->sel_layer = 0, s->sel_unit = 7, s->dark = true;
  const auto r = check_figure(*s, "weights", -1, -1, 2, "");
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->neuron, 7);
  EXPECT_TRUE(r->dark);
  EXPECT_FALSE(check_figure(*s, "weights", -1, -1, 2, "light")->dark);
  EXPECT_EQ(figure_filename(*s, *r), "mlp32-l0-n7-weights-dark-2x.png");
  const auto png = figure_png(*s, *r, font());
  ASSERT_TRUE(png) << png.error;
  EXPECT_EQ(decode(*png).width, 2 * kFigureDigitSide);
}

TEST(Export, XorReportIsWhatLensReportWrites) {
  auto s = test::app_with_models("xor");
  ASSERT_TRUE(report_ready(*s));
  const auto page = app_report(*s);
  ASSERT_TRUE(page) << page.error;
  ReportPage direct;
  report_xor(direct, s->model()->bundle, "xor.lens");
  EXPECT_EQ(page->md, direct.md);
  EXPECT_NE(page->md.find("`xor.lens`"), std::string::npos);
  const std::vector<ZipEntry> files = unzip_stored(report_zip(*page));
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].path, "README.md");
  EXPECT_EQ(files[1].path, "figures/xor-regions.svg");
}

TEST(Export, MnistReportWaitsForTheAnalysis) {
  auto s = test::app_with_models("mlp6-dead");
  EXPECT_FALSE(report_ready(*s));
  EXPECT_NE(app_report(*s).error.find("has not finished"), std::string::npos);
}

}  // namespace
}  // namespace lens
