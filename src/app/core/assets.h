// What the app wants from the server, asked for one way and answered one way. The app core
// queues a want (a kind and an id) when a view first needs an asset; the page (web/shell.js)
// takes the queue (lens_assets_take), fetches each want and answers it with
// lens_asset_arrived(kind, id, files) or lens_asset_failed(kind, id, why), which land here.
// Natively nothing takes the queue: tests answer the wants themselves.
//
//   kind           id          files (in this order)              asked for when
//   model          model id    <id>.lens                          a listed model not fetched yet is picked
//   stats          model id    <id>.stats                         a shipped model's analysis starts
//   test-digits    ""          t10k images IDX, t10k labels IDX    a view needs the test digits
//   train-digits   ""          subset images IDX, labels IDX       MNIST training starts
//   prior          ""          digit-prior.lens                    digit-prior images are first needed
//
// Each asset is asked for once until it arrives or fails; an answer nobody waits for is refused.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/formats/bytes.h"
#include "core/result.h"

namespace lens {

struct AppState;

enum class AssetKind { Model, Stats, TestDigits, TrainDigits, Prior };
const char* asset_kind_name(AssetKind kind);  // "model", "stats", "test-digits", "train-digits", "prior"
std::optional<AssetKind> asset_kind_from_name(std::string_view name);

struct AssetWant {
  AssetKind kind = AssetKind::Model;
  std::string id;  // the model's id for model and stats, else empty
  bool operator==(const AssetWant& o) const { return kind == o.kind && id == o.id; }
};

struct AssetQueue {
  std::vector<AssetWant> queued;    // asked for, not taken by the page yet
  std::vector<AssetWant> fetching;  // taken: the page's answer is on its way
};

// Queues a want unless it is already queued or being fetched.
void asset_want(AssetQueue& q, AssetKind kind, const std::string& id = "");
// Whether the app waits for this asset (queued or being fetched).
bool asset_awaited(const AssetQueue& q, AssetKind kind, const std::string& id = "");
// The queued wants, now being fetched (the page takes them once).
std::vector<AssetWant> asset_take(AssetQueue& q);
// The asset is here, or will not come: nobody waits for it any more (asked for again if needed).
void asset_settle(AssetQueue& q, AssetKind kind, const std::string& id = "");

// The page's answers. An asset that arrives but is refused (damaged, the wrong file) counts as
// failed: the app records why (the notice, the model's or the prior's error) and goes on without
// it. Returns the reason it was refused; an answer to a want that was never taken is refused too.
Result<bool> app_asset_arrived(AppState& s, AssetKind kind, const std::string& id, std::vector<Bytes> files, double now_ms);
Result<bool> app_asset_failed(AppState& s, AssetKind kind, const std::string& id, const std::string& why, double now_ms);

}  // namespace lens
