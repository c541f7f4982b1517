// The notice's kinds and lifetime (notice.h).
#include "app/core/notice.h"

#include <utility>

namespace lens {

static constexpr const char* kNoticeKindNames[] = {"info", "success", "error"};

const char* notice_kind_name(NoticeKind k) { return kNoticeKindNames[int(k)]; }

void notice_show(Notice& n, NoticeKind kind, std::string text) {
  n.text = std::move(text);
  n.kind = kind;
  n.shown_ms = -1;
}

void notice_clear(Notice& n) { notice_show(n, NoticeKind::Info, ""); }

void notice_action(Notice& n) { notice_clear(n); }

double notice_tick(Notice& n, double now_ms) {
  if (n.empty()) return -1;
  if (n.shown_ms < 0) n.shown_ms = now_ms;
  if (n.kind == NoticeKind::Error) return -1;
  const double left = n.shown_ms + kNoticeFadeMs - now_ms;
  if (left > 0) return left;
  notice_clear(n);
  return -1;
}

}  // namespace lens
