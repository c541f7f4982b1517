#include "core/formats/bytes.h"

#include <algorithm>
#include <cstdio>
#include <memory>

#if LENS_HAVE_ZLIB
#include <zlib.h>
#endif

namespace lens {

static std::string too_large(const std::string& path, std::size_t max_bytes) {
  return path + ": file too large (more than " + std::to_string(max_bytes) + " bytes; not the kind of file expected)";
}

Result<Bytes> file_read(const std::string& path, std::size_t max_bytes) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return Result<Bytes>::fail(path + ": cannot open file");
  Bytes out;
  // A regular file says its size: refuse an oversized one unread, else allocate once.
  if (std::fseek(f.get(), 0, SEEK_END) == 0) {
    const long size = std::ftell(f.get());
    if (size > 0 && std::uint64_t(size) > max_bytes) return Result<Bytes>::fail(too_large(path, max_bytes));
    if (size > 0) out.reserve(std::size_t(size));
    std::rewind(f.get());
  }
  std::clearerr(f.get());
  std::uint8_t buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    if (n > max_bytes - out.size()) return Result<Bytes>::fail(too_large(path, max_bytes));  // grew, or a pipe
    out.insert(out.end(), buf, buf + n);
  }
  if (std::ferror(f.get())) return Result<Bytes>::fail(path + ": read error");
  return Result<Bytes>::ok(std::move(out));
}

bool file_readable(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  return bool(f);
}

Result<bool> file_write(const std::string& path, const Bytes& bytes) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) return Result<bool>::fail(path + ": cannot create file");
  if (std::fwrite(bytes.data(), 1, bytes.size(), f.get()) != bytes.size())
    return Result<bool>::fail(path + ": write error");
  return Result<bool>::ok(true);
}

bool gzip_is_compressed(const Bytes& bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

#if LENS_HAVE_ZLIB
bool gzip_available() { return true; }

// Inflates into out, never holding more than limit bytes. With stop_at_limit the
// first limit bytes are the answer; without, more output than limit is an error.
static Result<Bytes> inflate_bounded(const Bytes& bytes, std::size_t limit, bool stop_at_limit) {
  using R = Result<Bytes>;
  struct Stream {  // inflateEnd on every path out
    z_stream zs{};
    bool live = false;
    ~Stream() { if (live) inflateEnd(&zs); }
  } s;
  z_stream& zs = s.zs;
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return R::fail("gzip: cannot initialise zlib");
  s.live = true;
  const std::uint8_t* in = bytes.data();
  std::size_t in_left = bytes.size();
  Bytes out;
  std::uint8_t buf[1 << 16];
  for (;;) {
    if (zs.avail_in == 0 && in_left > 0) {  // zlib counts input in uInt: feed at most 1 GiB at a time
      const std::size_t n = std::min<std::size_t>(in_left, std::size_t(1) << 30);
      zs.next_in = const_cast<Bytef*>(in);
      zs.avail_in = uInt(n);
      in += n;
      in_left -= n;
    }
    zs.next_out = buf;
    zs.avail_out = sizeof buf;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
      return R::fail(rc == Z_DATA_ERROR ? std::string("gzip: corrupt stream (") + (zs.msg ? zs.msg : "bad data") + ")"
                                        : "gzip: corrupt stream");
    const std::size_t got = sizeof buf - zs.avail_out;
    if (got > limit - out.size()) {
      if (!stop_at_limit)
        return R::fail("gzip: decompresses to more than " + std::to_string(limit) + " bytes (the limit here)");
      out.insert(out.end(), buf, buf + (limit - out.size()));
      return R::ok(std::move(out));
    }
    if (out.size() + got > out.capacity())  // grow by doubling, but never past the limit
      out.reserve(std::min(limit, std::max({out.size() + got, 2 * out.capacity(), std::size_t(1) << 16})));
    out.insert(out.end(), buf, buf + got);
    if (rc == Z_STREAM_END) {
      const std::size_t rest = zs.avail_in + in_left;
      if (rest == 0) return R::ok(std::move(out));
      // Another member (gzip -d reads concatenated members); anything else is refused.
      if (rest < 2 || zs.next_in[0] != 0x1f || zs.next_in[1] != 0x8b)
        return R::fail("gzip: " + std::to_string(rest) + " bytes of trailing garbage after the compressed stream");
      if (inflateReset(&zs) != Z_OK) return R::fail("gzip: cannot restart zlib");
    } else if (got == 0 && zs.avail_in == 0 && in_left == 0) {
      return R::fail("gzip: stream is truncated");  // zlib wants input that is not there
    }
  }
}

Result<Bytes> gzip_decompress(const Bytes& bytes, std::size_t max_output) {
  return inflate_bounded(bytes, max_output, false);
}

Result<Bytes> gzip_head(const Bytes& bytes, std::size_t max_output) { return inflate_bounded(bytes, max_output, true); }
#else
bool gzip_available() { return false; }

static const char* kNoZlib = "gzip: this build has no zlib; decompress the file first (gzip -dk FILE)";
Result<Bytes> gzip_decompress(const Bytes&, std::size_t) { return Result<Bytes>::fail(kNoZlib); }
Result<Bytes> gzip_head(const Bytes&, std::size_t) { return Result<Bytes>::fail(kNoZlib); }
#endif

}  // namespace lens
