// The notice: one line under the top bar that says what just happened. Its kind says what it
// is, and so how it looks and how long it stays:
//   Error    something failed or was refused; shown in the error colour, it stays until the
//            reader's next action (a click, a touch, a key), then goes;
//   Success  something the reader asked for was done ("Copied the embed code");
//   Info     news that needs nothing done ("measuring again").
// Success and info are drawn in a calm colour and go after the next action too, or after
// kNoticeFadeMs, whichever comes first. The caller that sets a notice picks its kind.
#pragma once
#include <string>

namespace lens {

enum class NoticeKind { Info, Success, Error };
const char* notice_kind_name(NoticeKind k);  // "info", "success", "error" (the JS API's names)

// How long a success or info notice stays when the reader does nothing: long enough to read
// a sentence, short enough not to linger over the view.
constexpr double kNoticeFadeMs = 6000;

struct Notice {
  std::string text;                   // empty: no notice
  NoticeKind kind = NoticeKind::Info;
  double shown_ms = -1;               // when it was first drawn (-1: not yet; notice_tick sets it)
  bool empty() const { return text.empty(); }
};

// Shows a notice in place of the one before (an empty text shows none).
void notice_show(Notice& n, NoticeKind kind, std::string text);
inline void notice_error(Notice& n, std::string text) { notice_show(n, NoticeKind::Error, std::move(text)); }
inline void notice_success(Notice& n, std::string text) { notice_show(n, NoticeKind::Success, std::move(text)); }
inline void notice_info(Notice& n, std::string text) { notice_show(n, NoticeKind::Info, std::move(text)); }
void notice_clear(Notice& n);

// The reader acted (a pointer went down, a key was pressed): whatever notice was on screen
// has been seen, and goes. Called before the action itself is handled, so a notice the action
// sets stays until the action after it.
void notice_action(Notice& n);
// Once a frame: starts the fade clock of a notice drawn for the first time and takes a success
// or info notice away once kNoticeFadeMs have passed. Returns the milliseconds until it goes
// by itself, or a negative number when it does not (none, or an error).
double notice_tick(Notice& n, double now_ms);

}  // namespace lens
