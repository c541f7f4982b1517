#include "app/core/app_norm.h"

#include <algorithm>
#include <cmath>

#include "app/core/app_state.h"
#include "core/constants.h"
#include "core/formats/bundle.h"
#include "interpret/numbers.h"

namespace lens {

const char* norm_origin_name(NormOrigin origin) {
  switch (origin) {
    case NormOrigin::Recorded: return "recorded";
    case NormOrigin::Given: return "given";
    case NormOrigin::Pending: return "pending";
    case NormOrigin::Measured: return "measured";
    case NormOrigin::Unmeasured: return "none";
    case NormOrigin::Chosen: return "chosen";
  }
  return "recorded";
}

NormOrigin norm_origin_on_import(bool onnx, bool given, bool recorded_in_file) {
  if (!onnx) return NormOrigin::Recorded;  // a .lens bundle always records its map (options are for ONNX)
  if (given) return NormOrigin::Given;
  return recorded_in_file ? NormOrigin::Recorded : NormOrigin::Pending;
}

static std::string waiting_notice(const LoadedModel& m) {
  return "Measuring the input normalization of " + m.bundle.info.name + " on the test digits before showing it.";
}

// The map in use changed: what was computed from the old one goes, and is computed again when
// next needed (the analysis at once when the model is on screen: app_select_model).
static void forget_computed(AppState& s, int index) {
  const std::size_t i = std::size_t(index);
  ++s.models[i].norm.version;
  if (i < s.analyses.size()) s.analyses[i].reset();
  if (i < s.prior.galleries.size()) s.prior.galleries[i].reset();
  if (s.prior.diverse.model == index) s.prior.diverse = DiverseImages{-1, -1, -1, {}, {}, "", s.prior.diverse.version + 1};
  if (s.current == index) {
    ++s.ablation_version;  // the switched-off neurons stay; their score on the test digits is measured again
    s.live_dirty = true;
  }
}

// Work the search does at once when a model is picked: every MLP's whole search (mlp128's is
// 3e8 multiply-adds); a convnet's goes on over frames.
constexpr double kAtOnceMultiplyAdds = 1e9;

static std::string measuring_notice(const AppState& s, const LoadedModel& m) {
  return "Measuring which input normalization " + m.bundle.info.id + " was trained with, on " +
         with_commas(std::min(kNormSearchDigits, s.test.size())) + " test digits: it is shown when that is done";
}

bool app_norm_settle(AppState& s, int index) {
  LoadedModel& m = s.models[std::size_t(index)];
  if (m.norm.origin != NormOrigin::Pending) return true;
  if (!s.test.size() && !s.test_error.empty()) {
    app_norm_unmeasurable(s, index);
    return true;
  }
  if (!app_need_test_set(s)) {
    notice_info(s.notice, waiting_notice(m));
    return false;
  }
  if (!m.norm.measuring) {
    m.norm.measuring = std::make_shared<NormSearchBuilder>(m.bundle.net, s.test);
    const double per_image = std::max(1.0, m.norm.measuring->multiply_adds_per_image());
    m.norm.measuring->step(int(std::min(1e9, kAtOnceMultiplyAdds / per_image)));
  }
  if (!m.norm.measuring->done()) {
    notice_info(s.notice, measuring_notice(s, m));
    return false;
  }
  NormSearch found = m.norm.measuring->finish();
  m.norm.measuring.reset();
  m.bundle.net.norm = found.chosen();
  m.norm.search = std::move(found);
  m.norm.origin = NormOrigin::Measured;
  forget_computed(s, index);
  // done: the Explore banner says what was found
  if (s.notice.text == waiting_notice(m) || s.notice.text == measuring_notice(s, m)) notice_clear(s.notice);
  return true;
}

void app_norm_work(AppState& s, double budget_ms, double (*now_ms)()) {
  if (s.model_wanted < 0) return;
  const LoadedModel& m = s.models[std::size_t(s.model_wanted)];
  if (m.norm.origin != NormOrigin::Pending || !m.norm.measuring) return;
  const double t0 = now_ms();
  // a few million multiply-adds a step, as the analysis slices its work
  const int per_step = int(std::clamp(4e6 / std::max(1.0, m.norm.measuring->multiply_adds_per_image()), 1.0, 1e6));
  while (!m.norm.measuring->step(per_step) && now_ms() - t0 < budget_ms) {}
  if (m.norm.measuring->done()) app_select_model(s, s.model_wanted, now_ms());  // settles it and shows it
}

void app_norm_unmeasurable(AppState& s, int index) {
  LoadedModel& m = s.models[std::size_t(index)];
  if (m.norm.origin != NormOrigin::Pending) return;
  m.norm.origin = NormOrigin::Unmeasured;
  forget_computed(s, index);
}

// A number as JavaScript prints it, NaN and the infinities included (they come from the JS API).
static std::string js_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return fmt("%g", v);
}

Result<InputNorm> app_norm_check(double mean, double std) {
  if (!(std::abs(mean) <= kBundleMaxMagnitude))
    return Result<InputNorm>::fail("mean must be a number from -10000 to 10000, got " + js_number(mean));
  if (!(std >= kBundleMinNormStd && std <= kBundleMaxMagnitude))
    return Result<InputNorm>::fail("std must be a number from 0.0001 to 10000, got " + js_number(std));
  return Result<InputNorm>::ok(InputNorm{float(mean), float(std)});
}

Result<bool> app_norm_changeable(const AppState& s, int index) {
  using R = Result<bool>;
  if (index < 0 || index >= int(s.models.size()) || s.models[std::size_t(index)].removed) return R::fail("no such model");
  const LoadedModel& m = s.models[std::size_t(index)];
  const std::string& id = m.bundle.info.id;
  if (m.shipped) return R::fail(id + " ships with the page and keeps the normalization it was trained with; only models you load can change theirs");
  if (m.source_key == 0) return R::fail(id + " was trained here on raw pixels and keeps them; only models you load can change their normalization");
  if (m.bundle.net.inputs() != kPixels) return R::fail(id + " does not take images (it has " + std::to_string(m.bundle.net.inputs()) + " inputs); only image models have an input normalization");
  if (m.norm.origin == NormOrigin::Pending) return R::fail(id + " is waiting for the test digits to measure its normalization; try again once it is shown");
  return R::ok(true);
}

Result<bool> app_set_normalization(AppState& s, int index, double mean, double std, double now_ms) {
  if (const auto can = app_norm_changeable(s, index); !can) return can;
  const auto norm = app_norm_check(mean, std);
  if (!norm) return Result<bool>::fail(norm.error);
  LoadedModel& m = s.models[std::size_t(index)];
  if (m.bundle.net.norm.mean == norm->mean && m.bundle.net.norm.std == norm->std) return Result<bool>::ok(false);
  m.bundle.net.norm = *norm;
  m.norm.origin = NormOrigin::Chosen;
  forget_computed(s, index);
  if (s.current == index) app_select_model(s, index, now_ms);  // its analysis starts again
  return Result<bool>::ok(true);
}

std::string app_norm_sentence(const AppState& s, int index) {
  const LoadedModel& m = s.models[std::size_t(index)];
  const ModelNorm& n = m.norm;
  switch (n.origin) {
    case NormOrigin::Measured: return n.search ? norm_search_sentence(*n.search) : "";
    case NormOrigin::Unmeasured:
      return "No input normalization recorded, and the test digits to measure one could not be loaded: the model sees raw pixels.";
    case NormOrigin::Chosen: {
      std::string text = "Input normalization chosen here: " + norm_formula(m.bundle.net.norm);
      if (!n.search) return text + ".";
      text += "; measured on " + with_commas(n.search->digits) + " test digits, ";
      for (int i = 0; i < int(n.search->scores.size()); ++i)
        text += (i ? ", " : "") + norm_formula(n.search->scores[std::size_t(i)].candidate.norm) + (i ? " " : " score ") +  // the first: raw pixels
                pct(n.search->accuracy(i));
      return text + ".";
    }
    case NormOrigin::Recorded: case NormOrigin::Given: case NormOrigin::Pending: return "";
  }
  return "";
}

std::string app_norm_sentence_short(const AppState& s, int index) {
  const LoadedModel& m = s.models[std::size_t(index)];
  const ModelNorm& n = m.norm;
  if (n.origin == NormOrigin::Measured && n.search) return norm_search_sentence_short(*n.search);
  if (n.origin == NormOrigin::Chosen && n.search) {
    const int k = norm_candidate_index(m.bundle.net.norm);
    return "Input normalization chosen here: " + norm_formula(m.bundle.net.norm) +
           (k >= 0 ? " (" + pct(n.search->accuracy(k)) + " of " + with_commas(n.search->digits) + " test digits right)." : ".");
  }
  return app_norm_sentence(s, index);
}

}  // namespace lens
