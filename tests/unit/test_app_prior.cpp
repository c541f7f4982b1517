// The digit prior in the app core (app/core/app_prior.h): asked for only when first needed,
// checked when it arrives, and a layer's images computed only once that layer is shown.
#include <gtest/gtest.h>

#include "app/core/app_prior.h"
#include "app_fixture.h"
#include "core/formats/bytes.h"
#include "interpret/diversity.h"

namespace lens {
namespace {

Bytes prior_bytes() {
  auto b = file_read(test::assets_dir() + "/models/digit-prior.lens");
  EXPECT_TRUE(b) << b.error;
  return b ? *b : Bytes{};
}

TEST(AppPrior, FetchedOnlyWhenFirstNeeded) {
  auto s = test::app_with_models("mlp32");
  EXPECT_FALSE(asset_awaited(s->assets, AssetKind::Prior));
  EXPECT_FALSE(app_prior_pending(*s));
  EXPECT_EQ(app_prior_gallery(*s, 0), nullptr);  // not here yet: asked for
  EXPECT_TRUE(asset_awaited(s->assets, AssetKind::Prior));
  const auto early = app_prior_actmax(*s, 0, 3, 1);
  ASSERT_FALSE(early);
  EXPECT_NE(early.error.find("not loaded"), std::string::npos) << early.error;
  ASSERT_TRUE(app_prior_arrived(*s, prior_bytes()));
  EXPECT_FALSE(asset_awaited(s->assets, AssetKind::Prior));
  PriorGallery* g = app_prior_gallery(*s, 0);
  ASSERT_NE(g, nullptr);
  EXPECT_TRUE(app_prior_pending(*s));
  while (app_prior_busy(*s, 8)) {}
  EXPECT_TRUE(g->done(0));
  EXPECT_FALSE(g->done(1)) << "the output layer was never shown";
  EXPECT_FALSE(app_prior_pending(*s));
  EXPECT_EQ(g->images(0).cols(), 32);
  EXPECT_GE(g->images(0).minCoeff(), 0.f);
  EXPECT_LE(g->images(0).maxCoeff(), 1.f);
  const auto two = app_prior_actmax(*s, 1, 7, 2);
  ASSERT_TRUE(two) << two.error;
  EXPECT_EQ(two->cols(), 2);
}

TEST(AppPrior, RefusesWhatIsNotADecoder) {
  auto s = test::app_with_models("mlp32");
  const auto classifier = file_read(test::assets_dir() + "/models/mlp6.lens");
  ASSERT_TRUE(classifier);
  const auto r = app_prior_arrived(*s, *classifier);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("not a decoder"), std::string::npos) << r.error;
  EXPECT_FALSE(s->prior.decoder);
  EXPECT_EQ(s->prior.error, r.error);
  EXPECT_EQ(app_prior_gallery(*s, 0), nullptr);
  EXPECT_FALSE(asset_awaited(s->assets, AssetKind::Prior)) << "a failed prior is not asked for again and again";
  Bytes cut = prior_bytes();
  cut.resize(cut.size() / 2);
  EXPECT_FALSE(app_prior_arrived(*s, cut));
}

// The inspector's "Show 3 different images": raw images at once, digit-prior ones once the
// prior is here (asked for by the click), each set pushed apart.
TEST(AppPrior, SeveralImagesOfANeuron) {
  auto s = test::app_with_models("mlp32");
  app_show_diverse(*s, 0, 5, 3);
  const DiverseImages& d = s->prior.diverse;
  EXPECT_EQ(d.layer, 0);
  EXPECT_EQ(d.unit, 5);
  ASSERT_EQ(d.raw.rows(), 784);
  ASSERT_EQ(d.raw.cols(), 3);
  EXPECT_EQ(d.prior.cols(), 0);
  EXPECT_NE(d.prior_error.find("not loaded"), std::string::npos) << d.prior_error;
  EXPECT_TRUE(asset_awaited(s->assets, AssetKind::Prior)) << "the click asks for the prior";
  ASSERT_TRUE(app_prior_arrived(*s, prior_bytes()));
  const int before = d.version;
  app_show_diverse(*s, 0, 5, 3);
  EXPECT_GT(d.version, before);
  ASSERT_EQ(d.prior.cols(), 3);
  EXPECT_TRUE(d.prior_error.empty());
  // Pushed apart: no two images of a set are the same picture.
  for (const Eigen::MatrixXf* set : {&d.raw, &d.prior})
    for (int i = 0; i < 3; ++i)
      for (int j = i + 1; j < 3; ++j) EXPECT_GT((set->col(i) - set->col(j)).norm(), 0.5f) << i << " vs " << j;
  EXPECT_LT(mean_pairwise_cosine(d.raw, 3), 0.99f);
}

TEST(AppPrior, ModelLibraryRefusesADecoderAsAModel) {
  auto s = test::app_with_models("mlp32");
  const std::size_t before = s->models.size();
  const auto r = model_library_add(*s, prior_bytes(), "(dropped)", {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("digit prior"), std::string::npos) << r.error;
  EXPECT_EQ(s->models.size(), before);
}

}  // namespace
}  // namespace lens
