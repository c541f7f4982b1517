// The hostile bundle corpus (tests/hostile): each bundle is refused with a message,
// or loads and is analysed to the end with every number in its text finite.
#include <gtest/gtest.h>

#include "core/formats/bundle.h"
#include "core/constants.h"
#include "interpret/model_analysis.h"
#include "interpret/plane.h"
#include "interpret/prose.h"
#include "../hostile/hostile_corpus.h"
#include "test_support.h"

namespace lens {
namespace {

std::string everything_said(const ModelAnalysis& a) {
  std::string s = render_plain(network_advice(a.network));
  for (const Paragraph& p : network_summary(a.network)) s += render_plain(p);
  for (const auto& layer : a.neurons)
    for (const NeuronFacts& f : layer)
      s += render_plain(neuron_summary(f)) + render_plain(neuron_dead_detail(f)) + render_plain(neuron_importance(f));
  return s;
}

TEST(HostileBundles, RefusedWithAMessageOrAnalysedWithoutNaN) {
  int refused = 0, analysed = 0;
  for (const HostileBundle& h : hostile_bundles()) {
    SCOPED_TRACE(h.name);
    const Result<Bundle> b = bundle_read(h.bytes);
    ASSERT_EQ(bool(b), h.loads) << (b ? "loaded" : b.error);
    if (!b) {
      EXPECT_FALSE(b.error.empty());
      EXPECT_NE(b.error.find(h.refusal), std::string::npos) << b.error;
      ++refused;
      continue;
    }
    const Mlp& net = b->net;
    EXPECT_LT(mlp_magnitude_bound(net), 1e30);
    if (h.heavy || !h.page_shows) {  // the browser test analyses a heavy one; a convnet is not analysed yet: one forward pass
      EXPECT_TRUE(mlp_forward(net, test::mnist_test_set().images.leftCols(8)).allFinite());
      continue;
    }
    if (net.inputs() == 2) {
      const Text t = plane_summary(plane_facts(net));
      for (const Paragraph& p : t) EXPECT_EQ(render_plain(p).find("nan"), std::string::npos) << render_plain(p);
      ++analysed;
      continue;
    }
    if (net.inputs() != kPixels) continue;
    ModelAnalysis a;
    analysis_start(a, *b, &test::mnist_test_set(), 0);
    analysis_run(a);
    ASSERT_TRUE(a.has_facts);
    const std::string text = everything_said(a);
    for (const char* bad : {"nan", "-inf", " inf "}) EXPECT_EQ(text.find(bad), std::string::npos) << text;
    for (const Eigen::MatrixXf& img : a.actmax) EXPECT_TRUE(img.allFinite());
    ++analysed;
  }
  std::printf("hostile bundles: %d refused with a message, %d analysed\n", refused, analysed);
  EXPECT_GE(refused, 10);
}

}  // namespace
}  // namespace lens
