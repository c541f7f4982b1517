#include "core/bytes.h"

#include <cstdio>
#include <memory>

#if LENS_HAVE_ZLIB
#include <zlib.h>
#endif

namespace lens {

Result<Bytes> file_read(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return Result<Bytes>::fail(path + ": cannot open file");
  Bytes out;
  std::uint8_t buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) out.insert(out.end(), buf, buf + n);
  if (std::ferror(f.get())) return Result<Bytes>::fail(path + ": read error");
  return Result<Bytes>::ok(std::move(out));
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
Result<Bytes> gzip_decompress(const Bytes& bytes, std::size_t max_output) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Result<Bytes>::fail("gzip: cannot initialise zlib");
  zs.next_in = const_cast<Bytef*>(bytes.data());
  zs.avail_in = uInt(bytes.size());
  Bytes out;
  std::uint8_t buf[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = buf;
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Result<Bytes>::fail(rc == Z_BUF_ERROR ? "gzip: stream is truncated" : "gzip: corrupt stream");
    }
    out.insert(out.end(), buf, buf + (sizeof buf - zs.avail_out));
    if (out.size() > max_output) {
      inflateEnd(&zs);
      return Result<Bytes>::fail("gzip: decompressed size exceeds the limit");
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return Result<Bytes>::fail("gzip: stream is truncated");
    }
  }
  inflateEnd(&zs);
  return Result<Bytes>::ok(std::move(out));
}
#else
Result<Bytes> gzip_decompress(const Bytes&, std::size_t) {
  return Result<Bytes>::fail("gzip: this build has no zlib; decompress the file first (gzip -dk FILE)");
}
#endif

}  // namespace lens
