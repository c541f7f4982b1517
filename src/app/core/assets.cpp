#include "app/core/assets.h"

#include <algorithm>

#include "app/core/app_prior.h"
#include "app/core/app_state.h"
#include "app/core/app_training.h"
#include "app/core/model_library.h"
#include "core/formats/idx.h"
#include "core/formats/mnist.h"

namespace lens {

namespace {
constexpr struct { AssetKind kind; const char* name; } kKindNames[] = {
    {AssetKind::Model, "model"}, {AssetKind::Stats, "stats"}, {AssetKind::TestDigits, "test-digits"},
    {AssetKind::TrainDigits, "train-digits"}, {AssetKind::Prior, "prior"}};
}  // namespace

const char* asset_kind_name(AssetKind kind) {
  for (const auto& k : kKindNames)
    if (k.kind == kind) return k.name;
  return "model";
}

std::optional<AssetKind> asset_kind_from_name(std::string_view name) {
  for (const auto& k : kKindNames)
    if (name == k.name) return k.kind;
  return std::nullopt;
}

static bool contains(const std::vector<AssetWant>& v, const AssetWant& w) { return std::find(v.begin(), v.end(), w) != v.end(); }

void asset_want(AssetQueue& q, AssetKind kind, const std::string& id) {
  const AssetWant w{kind, id};
  if (!contains(q.queued, w) && !contains(q.fetching, w)) q.queued.push_back(w);
}

bool asset_awaited(const AssetQueue& q, AssetKind kind, const std::string& id) {
  const AssetWant w{kind, id};
  return contains(q.queued, w) || contains(q.fetching, w);
}

std::vector<AssetWant> asset_take(AssetQueue& q) {
  std::vector<AssetWant> taken = std::move(q.queued);
  q.queued.clear();
  q.fetching.insert(q.fetching.end(), taken.begin(), taken.end());
  return taken;
}

void asset_settle(AssetQueue& q, AssetKind kind, const std::string& id) {
  const AssetWant w{kind, id};
  for (auto* v : {&q.queued, &q.fetching}) v->erase(std::remove(v->begin(), v->end(), w), v->end());
}

// A digit set arrives as two decompressed IDX files: the images, then the labels.
static Result<DataSet> digits_from_files(const std::vector<Bytes>& files) {
  if (files.size() != 2) return Result<DataSet>::fail("expected 2 files (images, labels), got " + std::to_string(files.size()));
  const auto images = idx_parse(files[0]);
  if (!images) return Result<DataSet>::fail(images.error);
  const auto labels = idx_parse(files[1]);
  if (!labels) return Result<DataSet>::fail(labels.error);
  return mnist_from_idx(*images, *labels);
}

static Result<bool> refused(std::string why) { return Result<bool>::fail(std::move(why)); }

static Result<bool> one_file(const std::vector<Bytes>& files, const Bytes*& out) {
  if (files.size() != 1) return refused("expected 1 file, got " + std::to_string(files.size()));
  out = &files[0];
  return Result<bool>::ok(true);
}

// Hands an asset to the part of the app that wanted it; a refused one is recorded as failed there.
static Result<bool> deliver(AppState& s, AssetKind kind, const std::string& id, const std::vector<Bytes>& files, double now_ms) {
  const Bytes* file = nullptr;
  switch (kind) {
    case AssetKind::Model: {
      const auto one = one_file(files, file);
      const auto r = one ? model_library_arrived(s, model_library_find(s, id), *file, now_ms) : Result<int>::fail(one.error);
      if (!r) model_library_failed(s, model_library_find(s, id), r.error);
      return r ? Result<bool>::ok(true) : refused(r.error);
    }
    case AssetKind::Stats: {
      if (const auto one = one_file(files, file); !one) {
        app_stats_failed(s, model_library_find(s, id), one.error, now_ms);
        return one;
      }
      const std::string why = app_stats_arrived(s, model_library_find(s, id), *file, now_ms);
      return why.empty() ? Result<bool>::ok(true) : refused(why);
    }
    case AssetKind::TestDigits: {
      auto d = digits_from_files(files);
      if (!d) {
        app_test_set_failed(s, "test images: " + d.error, now_ms);
        return refused(s.test_error);
      }
      app_set_test_set(s, std::move(*d), now_ms);
      return Result<bool>::ok(true);
    }
    case AssetKind::TrainDigits: {
      auto d = digits_from_files(files);
      if (!d) {
        app_train_set_failed(s, "training images: " + d.error);
        return refused("training images: " + d.error);
      }
      app_set_train_set(s, std::move(*d), now_ms);
      return Result<bool>::ok(true);
    }
    case AssetKind::Prior: {
      if (const auto one = one_file(files, file); !one) {
        app_prior_failed(s, "digit prior: " + one.error);
        return one;
      }
      return app_prior_arrived(s, *file);
    }
  }
  return refused("unknown kind of asset");
}

static std::string asset_name(AssetKind kind, const std::string& id) {
  return std::string(asset_kind_name(kind)) + (id.empty() ? "" : " " + id);
}

Result<bool> app_asset_arrived(AppState& s, AssetKind kind, const std::string& id, std::vector<Bytes> files, double now_ms) {
  if (!contains(s.assets.fetching, AssetWant{kind, id})) return refused(asset_name(kind, id) + ": nothing waits for it");
  const auto r = deliver(s, kind, id, files, now_ms);
  asset_settle(s.assets, kind, id);  // used or refused, nobody waits for it any more
  return r;
}

Result<bool> app_asset_failed(AppState& s, AssetKind kind, const std::string& id, const std::string& why_given, double now_ms) {
  if (!contains(s.assets.fetching, AssetWant{kind, id})) return refused(asset_name(kind, id) + ": nothing waits for it");
  const std::string why = why_given.empty() ? "unknown error" : why_given;
  switch (kind) {
    case AssetKind::Model: model_library_failed(s, model_library_find(s, id), why); break;
    case AssetKind::Stats: app_stats_failed(s, model_library_find(s, id), why, now_ms); break;
    case AssetKind::TestDigits: app_test_set_failed(s, why, now_ms); break;
    case AssetKind::TrainDigits: app_train_set_failed(s, why); break;
    case AssetKind::Prior: app_prior_failed(s, "digit prior: " + why); break;
  }
  asset_settle(s.assets, kind, id);
  return Result<bool>::ok(true);
}

}  // namespace lens
