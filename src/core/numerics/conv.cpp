#include "core/numerics/conv.h"

#include <algorithm>
#include <limits>

#include "core/numerics/gemm.h"

namespace lens {

int window_steps(int in, int k, int stride, int dilation, int pad_begin, int pad_end, bool ceil) {
  const long long span = (long long)(k - 1) * dilation + 1;
  const long long room = (long long)in + pad_begin + pad_end - span;
  if (room < 0 || stride < 1) return 0;
  long long steps = (ceil ? (room + stride - 1) / stride : room / stride) + 1;
  // ceil_mode keeps a last window only if it starts inside the map or its leading padding
  if (ceil && (steps - 1) * stride >= (long long)in + pad_begin) --steps;
  return int(std::min<long long>(steps, std::numeric_limits<int>::max()));
}

Shape3 window_output(const Shape3& in, const Window& w, int channels) {
  Shape3 out{channels, window_steps(in.h, w.kh, w.sh, w.dh, w.pt, w.pb, w.ceil), window_steps(in.w, w.kw, w.sw, w.dw, w.pl, w.pr, w.ceil)};
  if (out.h < 1 || out.w < 1) out.h = out.w = 0;
  return out;
}

// Bounds that keep every index computation far inside int (a map is at most kBundleMaxWidth cells).
constexpr int kWindowMaxSide = 1024;

std::string window_problem(const Shape3& in, const Window& w) {
  auto side = [](int v, int lo) { return v >= lo && v <= kWindowMaxSide; };
  if (!side(w.kh, 1) || !side(w.kw, 1)) return "a kernel of " + std::to_string(w.kh) + " x " + std::to_string(w.kw);
  if (!side(w.sh, 1) || !side(w.sw, 1)) return "strides of " + std::to_string(w.sh) + " x " + std::to_string(w.sw);
  if (!side(w.dh, 1) || !side(w.dw, 1)) return "dilations of " + std::to_string(w.dh) + " x " + std::to_string(w.dw);
  for (int p : {w.pt, w.pl, w.pb, w.pr})
    if (!side(p, 0)) return "padding of " + std::to_string(p);
  const int span_h = (w.kh - 1) * w.dh + 1, span_w = (w.kw - 1) * w.dw + 1;
  if (std::max(w.pt, w.pb) >= span_h || std::max(w.pl, w.pr) >= span_w)
    return "padding (" + std::to_string(w.pt) + ", " + std::to_string(w.pl) + ", " + std::to_string(w.pb) + ", " +
           std::to_string(w.pr) + ") as wide as the kernel";
  const Shape3 out = window_output(in, w, 1);
  if (out.h < 1 || out.w < 1)
    return "a " + std::to_string(span_h) + " x " + std::to_string(span_w) + " kernel does not fit a " + std::to_string(in.h) +
           " x " + std::to_string(in.w) + " map";
  return "";
}

namespace {

// Images per product: a patch matrix of at most 256 K floats (1 MB, so it stays in the
// second-level cache while the product reads it), at least one image. A function of the shapes
// only, so a result never depends on the machine.
int images_per_block(int P, int K) {
  const long long per_image = (long long)P * K;
  return int(std::max<long long>(1, (256LL << 10) / std::max<long long>(per_image, 1)));
}

// The outputs ox in [ox0, ox1) of a row whose tap j falls on the map (ix = ox*sw - pl + j*dw in
// [0, W)); those outside take the padding.
void columns_on_map(const Shape3& in, const Window& w, const Shape3& out, int j, int& ox0, int& ox1) {
  ox0 = std::min(out.w, std::max(0, (w.pl - j * w.dw + w.sw - 1) / w.sw));
  ox1 = out.w;
  while (ox1 > ox0 && (ox1 - 1) * w.sw - w.pl + j * w.dw >= in.w) --ox1;
}

// The patch matrix m (nb*P, K) of images n0..n0+nb of x: row n*P + p holds output position p's
// taps of image n (0 in the padding). A tap's column is, row after row of outputs, a run of the
// map between two stretches of padding: copied as a run.
void patches_of(const Shape3& in, const Window& w, const Shape3& out, const Eigen::Ref<const Eigen::MatrixXf>& x, int n0, int nb,
                Eigen::MatrixXf& m) {
  const int P = out.plane();
  m.resize(Eigen::Index(nb) * P, Eigen::Index(in.c) * w.kh * w.kw);
  for (int c = 0; c < in.c; ++c)
    for (int i = 0; i < w.kh; ++i)
      for (int j = 0; j < w.kw; ++j) {
        float* col = m.col((Eigen::Index(c) * w.kh + i) * w.kw + j).data();
        int ox0, ox1;
        columns_on_map(in, w, out, j, ox0, ox1);
        for (int n = 0; n < nb; ++n) {
          const float* map = x.col(n0 + n).data() + Eigen::Index(c) * in.plane();
          float* to = col + Eigen::Index(n) * P;
          for (int oy = 0; oy < out.h; ++oy) {
            const int iy = oy * w.sh - w.pt + i * w.dh;
            float* row = to + oy * out.w;
            if (iy < 0 || iy >= in.h) {
              std::fill(row, row + out.w, 0.f);
              continue;
            }
            const float* from = map + iy * in.w - w.pl + j * w.dw;
            std::fill(row, row + ox0, 0.f);
            if (w.sw == 1) std::copy(from + ox0, from + ox1, row + ox0);
            else for (int ox = ox0; ox < ox1; ++ox) row[ox] = from[ox * w.sw];
            std::fill(row + ox1, row + out.w, 0.f);
          }
        }
      }
}

// The transpose of patches_of: each tap's gradient added back to its pixel, taps in ascending order.
void add_patches_to(const Shape3& in, const Window& w, const Shape3& out, const Eigen::MatrixXf& dm, int n0, int nb,
                    Eigen::MatrixXf& dx) {
  const int P = out.plane();
  for (int c = 0; c < in.c; ++c)
    for (int i = 0; i < w.kh; ++i)
      for (int j = 0; j < w.kw; ++j) {
        const float* col = dm.col((Eigen::Index(c) * w.kh + i) * w.kw + j).data();
        for (int n = 0; n < nb; ++n) {
          float* map = dx.col(n0 + n).data() + Eigen::Index(c) * in.plane();
          const float* from = col + Eigen::Index(n) * P;
          for (int oy = 0; oy < out.h; ++oy) {
            const int iy = oy * w.sh - w.pt + i * w.dh;
            if (iy < 0 || iy >= in.h) continue;
            for (int ox = 0; ox < out.w; ++ox) {
              const int ix = ox * w.sw - w.pl + j * w.dw;
              if (ix >= 0 && ix < in.w) map[iy * in.w + ix] += from[oy * out.w + ox];
            }
          }
        }
      }
}

// One filter (C_out = 1, as when maximizing one channel): the taps straight from the maps and
// back, without the patch matrix, which would cost as much as the product. The order is the
// product's: each output sums its taps in ascending order from +0 (taps in the padding add
// nothing), then the bias; each pixel's gradient adds its taps' in ascending order.
template <class F>
void each_tap(const Shape3& in, const Window& w, const Shape3& out, F&& f) {
  for (int c = 0; c < in.c; ++c)
    for (int i = 0; i < w.kh; ++i)
      for (int j = 0; j < w.kw; ++j) {
        const int k = (c * w.kh + i) * w.kw + j;
        int ox0, ox1;
        columns_on_map(in, w, out, j, ox0, ox1);
        for (int oy = 0; oy < out.h; ++oy) {
          const int iy = oy * w.sh - w.pt + i * w.dh;
          if (iy < 0 || iy >= in.h) continue;
          f(k, oy * out.w, c * in.plane() + iy * in.w - w.pl + j * w.dw, ox0, ox1);
        }
      }
}

void conv_forward_one(const Eigen::MatrixXf& W, float b, const Shape3& in, const Window& w, const Shape3& out,
                      const float* x, float* z) {
  std::fill(z, z + out.plane(), 0.f);
  each_tap(in, w, out, [&](int k, int row, int from, int ox0, int ox1) {
    const float wk = W(0, k);
    float* __restrict to = z + row;
    const float* __restrict src = x + from;
    if (w.sw == 1)  // the common case, kept apart so the compiler vectorizes it
      for (int ox = ox0; ox < ox1; ++ox) to[ox] += wk * src[ox];
    else
      for (int ox = ox0; ox < ox1; ++ox) to[ox] += wk * src[ox * w.sw];
  });
  for (int p = 0; p < out.plane(); ++p) z[p] += b;
}

void conv_input_backward_one(const Eigen::MatrixXf& W, const Shape3& in, const Window& w, const Shape3& out,
                             const float* dz, float* dx) {
  each_tap(in, w, out, [&](int k, int row, int at, int ox0, int ox1) {
    const float wk = W(0, k);
    float* __restrict to = dx + at;
    const float* __restrict from = dz + row;
    if (w.sw == 1)
      for (int ox = ox0; ox < ox1; ++ox) to[ox] += from[ox] * wk;
    else
      for (int ox = ox0; ox < ox1; ++ox) to[ox * w.sw] += from[ox] * wk;
  });
}

}  // namespace

// forward: z[c, p] = sum_k W(c, k) patch_p(k) + b(c), for every image
void conv_forward(const Eigen::MatrixXf& W, const Eigen::VectorXf& b, const Shape3& in, const Window& win,
                  const Eigen::Ref<const Eigen::MatrixXf>& x, Eigen::MatrixXf& z) {
  const Shape3 out = window_output(in, win, int(W.rows()));
  const int P = out.plane(), C = out.c, N = int(x.cols());
  z.resize(Eigen::Index(C) * P, N);
  if (C == 1) {
    for (int n = 0; n < N; ++n) conv_forward_one(W, b(0), in, win, out, x.col(n).data(), z.col(n).data());
    return;
  }
  const int block = images_per_block(P, int(W.cols()));
  Eigen::MatrixXf patches, prod;
  for (int n0 = 0; n0 < N; n0 += block) {
    const int nb = std::min(block, N - n0);
    patches_of(in, win, out, x, n0, nb, patches);
    gemm_op(patches, false, W, true, prod);  // (nb*P, C)
    for (int n = 0; n < nb; ++n)
      for (int c = 0; c < C; ++c)
        for (int p = 0; p < P; ++p) z(Eigen::Index(c) * P + p, n0 + n) = prod(Eigen::Index(n) * P + p, c) + b(c);
  }
}

// dZ (nb*P, C): images n0.. of dz (C*P, N), one row per output position, a column per channel.
static void positions_by_channel(const Eigen::Ref<const Eigen::MatrixXf>& dz, int n0, int nb, int P, int C, Eigen::MatrixXf& dZ) {
  dZ.resize(Eigen::Index(nb) * P, C);
  for (int n = 0; n < nb; ++n)
    for (int c = 0; c < C; ++c)
      for (int p = 0; p < P; ++p) dZ(Eigen::Index(n) * P + p, c) = dz(Eigen::Index(c) * P + p, n0 + n);
}

// backward: dW = sum over images and positions of dz[c, p] patch_p^T; db[c] = sum of dz[c, :];
// dpatch_p = W^T dz[:, p], added back to the pixels it was taken from
void conv_backward(const Eigen::MatrixXf& W, const Shape3& in, const Window& win, const Eigen::Ref<const Eigen::MatrixXf>& x,
                   const Eigen::Ref<const Eigen::MatrixXf>& dz, Eigen::MatrixXf& dW, Eigen::VectorXf& db,
                   Eigen::MatrixXf* dx) {
  const Shape3 out = window_output(in, win, int(W.rows()));
  const int P = out.plane(), C = out.c, N = int(x.cols());
  dW.setZero(W.rows(), W.cols());
  db.setZero(C);
  for (int n = 0; n < N; ++n)
    for (int c = 0; c < C; ++c)
      for (int p = 0; p < P; ++p) db(c) += dz(Eigen::Index(c) * P + p, n);
  if (dx) dx->setZero(in.size(), N);
  const int block = images_per_block(P, int(W.cols()));
  Eigen::MatrixXf patches, dZ, part, dpatches;
  for (int n0 = 0; n0 < N; n0 += block) {
    const int nb = std::min(block, N - n0);
    patches_of(in, win, out, x, n0, nb, patches);
    positions_by_channel(dz, n0, nb, P, C, dZ);
    gemm_op(dZ, true, patches, false, part);  // (C, K)
    dW += part;
    if (!dx) continue;
    gemm_op(dZ, false, W, false, dpatches);  // (nb*P, K)
    add_patches_to(in, win, out, dpatches, n0, nb, *dx);
  }
}

void conv_input_backward(const Eigen::MatrixXf& W, const Shape3& in, const Window& win,
                         const Eigen::Ref<const Eigen::MatrixXf>& dz, Eigen::MatrixXf& dx) {
  const Shape3 out = window_output(in, win, int(W.rows()));
  const int P = out.plane(), C = out.c, N = int(dz.cols());
  dx.setZero(in.size(), N);
  if (C == 1) {
    for (int n = 0; n < N; ++n) conv_input_backward_one(W, in, win, out, dz.col(n).data(), dx.col(n).data());
    return;
  }
  const int block = images_per_block(P, int(W.cols()));
  Eigen::MatrixXf dZ, dpatches;
  for (int n0 = 0; n0 < N; n0 += block) {
    const int nb = std::min(block, N - n0);
    positions_by_channel(dz, n0, nb, P, C, dZ);
    gemm_op(dZ, false, W, false, dpatches);  // (nb*P, K)
    add_patches_to(in, win, out, dpatches, n0, nb, dx);
  }
}

const char* pool_kind_name(PoolKind k) {
  switch (k) {
    case PoolKind::None: return "none";
    case PoolKind::Max: return "max";
    case PoolKind::Average: return "average";
  }
  return "none";
}

namespace {

// Calls f(output index, cells within the padded map, cells) for each pooling window of every
// channel; cells(g) calls g(row) for each of the window's cells on the map, in kernel order.
template <class F>
void each_window(const Pool& pool, const Shape3& in, F&& f) {
  const Window& w = pool.window;
  const Shape3 out = window_output(in, w, in.c);
  for (int c = 0; c < in.c; ++c)
    for (int oy = 0; oy < out.h; ++oy)
      for (int ox = 0; ox < out.w; ++ox) {
        const int o = (c * out.h + oy) * out.w + ox;
        int padded = 0;
        for (int i = 0; i < w.kh; ++i) {
          const int iy = oy * w.sh - w.pt + i * w.dh;
          for (int j = 0; j < w.kw; ++j) {
            const int ix = ox * w.sw - w.pl + j * w.dw;
            padded += iy >= -w.pt && iy < in.h + w.pb && ix >= -w.pl && ix < in.w + w.pr;
          }
        }
        f(o, padded, [&](auto&& cell) {
          for (int i = 0; i < w.kh; ++i) {
            const int iy = oy * w.sh - w.pt + i * w.dh;
            if (iy < 0 || iy >= in.h) continue;
            for (int j = 0; j < w.kw; ++j) {
              const int ix = ox * w.sw - w.pl + j * w.dw;
              if (ix >= 0 && ix < in.w) cell((c * in.h + iy) * in.w + ix);
            }
          }
        });
      }
}

}  // namespace

namespace {

// Every window's cells (rows of the map, in kernel order) and how many of its cells lie within
// the padded map: the same for every image, so listed once a call.
struct WindowTable {
  std::vector<int> start, cells, padded;  // window o's cells are cells[start[o] .. start[o + 1])
};

WindowTable window_table(const Pool& pool, const Shape3& in) {
  WindowTable t;
  each_window(pool, in, [&](int, int padded, auto&& cells) {  // o ascending
    t.start.push_back(int(t.cells.size()));
    cells([&](int r) { t.cells.push_back(r); });
    t.padded.push_back(padded);
  });
  t.start.push_back(int(t.cells.size()));
  return t;
}

}  // namespace

void pool_forward(const Pool& pool, const Shape3& in, const Eigen::Ref<const Eigen::MatrixXf>& x, Eigen::MatrixXf& y,
                  std::vector<int>* argmax) {
  const Shape3 out = window_output(in, pool.window, in.c);
  const Eigen::Index N = x.cols(), O = out.size();
  y.resize(O, N);
  const bool max = pool.kind == PoolKind::Max;
  if (max && argmax) argmax->assign(std::size_t(O * N), -1);
  const WindowTable t = window_table(pool, in);
  for (Eigen::Index n = 0; n < N; ++n) {
    const float* img = x.col(n).data();
    for (Eigen::Index o = 0; o < O; ++o) {
      const int* first = t.cells.data() + t.start[std::size_t(o)];
      const int* last = t.cells.data() + t.start[std::size_t(o) + 1];
      if (max) {
        float best = 0.f;
        int at = -1;
        for (const int* r = first; r != last; ++r)
          if (at < 0 || img[*r] > best) best = img[*r], at = *r;
        y(o, n) = at < 0 ? 0.f : best;
        if (argmax) (*argmax)[std::size_t(n * O + o)] = at;
      } else {
        float sum = 0.f;
        for (const int* r = first; r != last; ++r) sum = sum + img[*r];
        const int divisor = pool.count_pad ? t.padded[std::size_t(o)] : int(last - first);
        y(o, n) = divisor ? sum / float(divisor) : 0.f;
      }
    }
  }
}

void pool_backward(const Pool& pool, const Shape3& in, const std::vector<int>& argmax,
                   const Eigen::Ref<const Eigen::MatrixXf>& dy, Eigen::MatrixXf& dx) {
  const Eigen::Index N = dy.cols(), O = dy.rows();
  dx.setZero(in.size(), N);
  const WindowTable t = pool.kind == PoolKind::Max ? WindowTable{} : window_table(pool, in);
  for (Eigen::Index n = 0; n < N; ++n) {
    float* d = dx.col(n).data();
    if (pool.kind == PoolKind::Max) {
      for (Eigen::Index o = 0; o < O; ++o)
        if (const int r = argmax[std::size_t(n * O + o)]; r >= 0) d[r] += dy(o, n);
      continue;
    }
    for (Eigen::Index o = 0; o < O; ++o) {
      const int count = t.start[std::size_t(o) + 1] - t.start[std::size_t(o)];
      const int divisor = pool.count_pad ? t.padded[std::size_t(o)] : count;
      if (!divisor) continue;
      const float g = dy(o, n) / float(divisor);
      for (int k = t.start[std::size_t(o)]; k < t.start[std::size_t(o) + 1]; ++k) d[t.cells[std::size_t(k)]] += g;
    }
  }
}

}  // namespace lens
