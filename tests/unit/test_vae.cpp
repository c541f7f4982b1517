// The digit prior's variational autoencoder (core/training/vae.h): its gradients against central finite
// differences, its recipe parser, and the shipped decoder bundle.
#include <gtest/gtest.h>

#include <cmath>

#include "core/formats/bundle.h"
#include "core/training/vae.h"
#include "test_support.h"

namespace lens {
namespace {

// A small VAE with tanh hidden layers: smooth everywhere, so a finite-difference step never
// crosses a ReLU kink (the chain the test checks, reparameterisation + KL + BCE, is the same).
struct SmallVae {
  Vae vae;
  Eigen::MatrixXf x, eps;
  float beta = 0.7f;
  SmallVae() {
    VaeConfig c;
    c.inputs = 6;
    c.hidden = 5;
    c.latent = 3;
    Rng rng(7);
    vae = vae_make(c, rng);
    for (Mlp* m : {&vae.encoder, &vae.decoder}) {
      m->layers[0].act = Activation::Tanh;
      test::randomize(*m, m == &vae.encoder ? 11 : 12, 0.5f);
    }
    x = Eigen::MatrixXf(6, 4);
    eps = Eigen::MatrixXf(3, 4);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform();
    for (Eigen::Index i = 0; i < eps.size(); ++i) eps.data()[i] = rng.normal();
  }
  double loss() const { return double(vae_loss(vae, x, eps, beta, nullptr).loss); }
};

double numeric(SmallVae& s, float& p) {
  const float h = 1.f / 64, saved = p;
  p = saved + h;
  const float up = p;
  const double lp = s.loss();
  p = saved - h;
  const float down = p;
  const double lm = s.loss();
  p = saved;
  return (lp - lm) / double(up - down);
}

TEST(Vae, GradientsMatchFiniteDifferences) {
  SmallVae s;
  VaeGradients g;
  vae_loss(s.vae, s.x, s.eps, s.beta, &g);
  double worst = 0;
  int checked = 0;
  for (auto [net, grad] : {std::pair<Mlp*, Gradients*>{&s.vae.encoder, &g.encoder}, {&s.vae.decoder, &g.decoder}})
    for (std::size_t l = 0; l < net->layers.size(); ++l) {
      Dense& d = net->layers[l];
      for (Eigen::Index i = 0; i < d.W.size(); ++i, ++checked) {
        const double n = numeric(s, d.W.data()[i]), a = grad->dW[l].data()[i];
        worst = std::max(worst, std::abs(a - n) / std::max({std::abs(a), std::abs(n), 1e-2}));
      }
      for (Eigen::Index i = 0; i < d.b.size(); ++i, ++checked) {
        const double n = numeric(s, d.b(i)), a = grad->db[l](i);
        worst = std::max(worst, std::abs(a - n) / std::max({std::abs(a), std::abs(n), 1e-2}));
      }
    }
  std::printf("[ vae ] %d parameters checked, max relative error %.2e\n", checked, worst);
  EXPECT_EQ(checked, 127);  // every weight and bias of both networks
  EXPECT_LT(worst, 5e-3);
}

TEST(Vae, LossIsReconstructionPlusBetaKl) {
  SmallVae s;
  const VaeLoss l = vae_loss(s.vae, s.x, s.eps, s.beta, nullptr);
  EXPECT_NEAR(l.loss, l.reconstruction + s.beta * l.kl, 1e-4);
  EXPECT_GT(l.reconstruction, 0.f);
  EXPECT_GE(l.kl, 0.f);  // KL divergence is never negative
}

TEST(Vae, RecipeRejectsUnknownKeysAndBadValues) {
  using nlohmann::json;
  EXPECT_TRUE(vae_config_from_json({{"kind", "vae"}, {"latent", 8}}));
  EXPECT_EQ(vae_config_from_json({{"kind", "vae"}, {"latent", 8}})->latent, 8);
  const auto typo = vae_config_from_json({{"kind", "vae"}, {"latnet", 8}});
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error.find("latnet"), std::string::npos) << typo.error;
  EXPECT_FALSE(vae_config_from_json({{"kind", "vae"}, {"latent", 0}}));
  EXPECT_FALSE(vae_config_from_json({{"kind", "vae"}, {"lr", "fast"}}));
  EXPECT_FALSE(vae_config_from_json({{"kind", "mlp"}}));
  EXPECT_FALSE(vae_config_from_json({{"kind", "vae"}, {"seed", -1}}));
  // The same wording as a classifier's recipe, with the real limits (not "[0.000000, 10.000000]").
  EXPECT_EQ(vae_config_from_json({{"kind", "vae"}, {"lr", 0}}).error, "recipe: \"lr\" must be a number > 0 and <= 10 (got 0)");
  EXPECT_EQ(vae_config_from_json({{"kind", "vae"}, {"latent", 0}}).error, "recipe: \"latent\" must be an integer from 1 to 256 (got 0)");
  const auto round = vae_config_from_json(vae_config_to_json(VaeConfig{}));
  ASSERT_TRUE(round) << round.error;
  EXPECT_EQ(round->hidden, VaeConfig{}.hidden);
}

// A few training steps on a few hundred digits: the same seed gives the same bits, and the
// loss goes down.
TEST(Vae, TrainingIsDeterministicAndLearns) {
  const DataSet& d = test::mnist_test_set();
  ASSERT_GE(d.size(), 600);
  const DataSet train = dataset_slice(d, 0, 500), val = dataset_slice(d, 500, 100);
  VaeConfig c;
  c.hidden = 32;
  c.latent = 4;
  c.epochs = 3;
  c.batch = 50;
  c.seed = 5;
  std::vector<float> losses;
  const Vae a = vae_train(c, train, val, [&](const VaeEpoch& e) { losses.push_back(e.train.loss); });
  const Vae b = vae_train(c, train, val);
  ASSERT_EQ(losses.size(), 3u);
  EXPECT_LT(losses.back(), losses.front());
  EXPECT_TRUE(a.decoder.layers[1].W == b.decoder.layers[1].W);
  EXPECT_TRUE(a.encoder.layers[0].W == b.encoder.layers[0].W);
}

TEST(Vae, ShippedDecoderIsADecoderBundle) {
  const auto b = bundle_load(test::assets_dir() + "/models/digit-prior.lens");
  ASSERT_TRUE(b) << b.error;
  EXPECT_EQ(b->info.kind, BundleKind::Decoder);
  EXPECT_EQ(b->net.outputs(), 784);
  EXPECT_LE(b->net.inputs(), 32);
  EXPECT_EQ(b->net.layers.back().act, Activation::Sigmoid);
  // Codes drawn from the prior decode to images in [0, 1] with ink on a dark background, like MNIST.
  Rng rng(3);
  Eigen::MatrixXf z(b->net.inputs(), 64);
  for (Eigen::Index i = 0; i < z.size(); ++i) z.data()[i] = rng.normal();
  const Eigen::MatrixXf x = mlp_forward(b->net, z);
  EXPECT_GE(x.minCoeff(), 0.f);
  EXPECT_LE(x.maxCoeff(), 1.f);
  const float mean = x.mean(), mnist_mean = test::mnist_test_set().images.mean();
  std::printf("[ vae ] decoded prior samples: mean pixel %.3f (MNIST test set %.3f)\n", double(mean), double(mnist_mean));
  EXPECT_NEAR(mean, mnist_mean, 0.05f);
}

}  // namespace
}  // namespace lens
