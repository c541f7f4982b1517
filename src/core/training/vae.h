// A variational autoencoder of MNIST digits (Kingma & Welling 2014): the "digit prior" that
// activation maximization can search in (interpret/actmax_prior.h). The encoder maps an image
// to the mean and log-variance of a Gaussian code; the decoder maps a code back to an image.
// Both are plain Mlps, so they reuse mlp.h's forward and backward passes (and gemm.h's fixed
// summation order: the same recipe and seed give the same bits).
// Shape letters: D = image pixels (784), H = hidden units, Z = code size, N = batch.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "core/numerics/mlp.h"
#include "core/formats/mnist.h"
#include "core/result.h"
#include "core/numerics/rng.h"

namespace lens {

struct VaeConfig {
  int inputs = 784;
  int hidden = 128;     // one hidden ReLU layer in the encoder and in the decoder
  int latent = 16;      // code size Z
  float beta = 1.f;     // weight of the KL term (1: the plain VAE bound)
  float lr = 1e-3f;     // Adam
  int batch = 128;
  int epochs = 20;
  std::uint64_t seed = 1;
  int validation = 5000;
};

// A recipe with "kind": "vae" (tools/recipes/digit-prior.json). Unknown keys are errors.
nlohmann::json vae_config_to_json(const VaeConfig& c);
Result<VaeConfig> vae_config_from_json(const nlohmann::json& j);

struct Vae {
  Mlp encoder;  // D -> H (ReLU) -> 2Z (identity): rows [0, Z) the mean, [Z, 2Z) the log-variance
  Mlp decoder;  // Z -> H (ReLU) -> D (identity): pixel logits; vae_decoder_image() adds the sigmoid
};

// A fresh VAE, He-initialised from rng.
Vae vae_make(const VaeConfig& c, Rng& rng);

struct VaeGradients {
  Gradients encoder, decoder;
};

struct VaeLoss {
  float loss = 0.f;            // mean over the batch of reconstruction + beta * KL (nats)
  float reconstruction = 0.f;  // mean binary cross-entropy summed over pixels
  float kl = 0.f;              // mean KL(q(z|x) || N(0, I))
};

// The loss of a batch x (D,N) with the reparameterisation noise eps (Z,N):
// z = mu + exp(logvar / 2) eps. With g, also its gradients with respect to every parameter.
VaeLoss vae_loss(const Vae& vae, const Eigen::MatrixXf& x, const Eigen::MatrixXf& eps, float beta, VaeGradients* g);

// The decoder the page ships: the trained decoder with a sigmoid on its last layer, so its
// output is an image in [0, 1].
Mlp vae_decoder_image(const Vae& vae);

struct VaeEpoch {
  int epoch = 0;           // 1-based
  VaeLoss train, validation;
  double seconds = 0;
};

// Trains from config.seed (initialisation, shuffling, noise): the same config and data give the
// same bits. on_epoch reports each epoch.
Vae vae_train(const VaeConfig& c, const DataSet& train, const DataSet& validation,
              const std::function<void(const VaeEpoch&)>& on_epoch = {});

// The mean loss over a data set, the noise drawn from seed.
VaeLoss vae_evaluate(const Vae& vae, const DataSet& data, float beta, std::uint64_t seed, int batch = 1000);

}  // namespace lens
