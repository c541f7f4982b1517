// Writes a model read by lens-bundle.mjs as an ONNX file (opset 13), for ONNX Runtime Web in
// tools/bench/peers.sh: each layer a Gemm (the .lens row-major W is Gemm's B with transB=1,
// so the weights go in unchanged), its activation, then Softmax (or Sigmoid) as the head.
// The input "x" is (N, inputs) with a symbolic batch size N; the output "probs" (N, outputs).
// The protobuf bytes are written here (field numbers from onnx.proto), with no library.

function varint(n) {
  const out = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}
const concat = (parts) => {
  const n = parts.reduce((s, p) => s + p.length, 0), out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
// Field encoders: wire type 0 (varint), 2 (length-delimited), 5 (32-bit float).
const int = (field, v) => Uint8Array.from([...varint(field << 3), ...varint(v)]);
const bytesField = (field, b) => concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(b.length)]), b]);
const str = (field, s) => bytesField(field, new TextEncoder().encode(s));
const msg = (field, parts) => bytesField(field, concat(parts));
const float32 = (field, v) => {
  const b = new Uint8Array(5);
  b[0] = (field << 3) | 5;
  new DataView(b.buffer).setFloat32(1, v, true);
  return b;
};

// NodeProto: input 1, output 2, name 3, op_type 4, attribute 5; AttributeProto: name 1, f 2, i 3, type 20.
function node(op, inputs, output, attrs = []) {
  return msg(1, [...inputs.map((i) => str(1, i)), str(2, output), str(3, output), str(4, op),
    ...attrs.map((a) => msg(5, [str(1, a.name), a.f !== undefined ? float32(2, a.f) : int(3, a.i), int(20, a.f !== undefined ? 1 : 2)]))]);
}
// TensorProto: dims 1, data_type 2 (1 = FLOAT), name 8, raw_data 9 (little-endian).
function initializer(name, dims, values) {
  const raw = new Uint8Array(values.length * 4), dv = new DataView(raw.buffer);
  values.forEach((v, i) => dv.setFloat32(4 * i, v, true));
  return msg(5, [...dims.map((d) => int(1, d)), int(2, 1), str(8, name), bytesField(9, raw)]);
}
// ValueInfoProto (name 1, type 2) -> TypeProto.tensor_type 1 -> elem_type 1, shape 2 -> dim 1 (dim_value 1 | dim_param 2).
function valueInfo(field, name, width) {
  return msg(field, [str(1, name), msg(2, [msg(1, [int(1, 1), msg(2, [msg(1, [str(2, 'N')]), msg(1, [int(1, width)])])])])]);
}

const ACTIVATION_OPS = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', leaky_relu: 'LeakyRelu' };

export function writeOnnx(model) {
  const nodes = [], inits = [];
  let x = 'x';
  model.layers.forEach((l, k) => {
    inits.push(initializer(`W${k}`, [l.outputs, l.inputs], l.W), initializer(`b${k}`, [l.outputs], l.b));
    nodes.push(node('Gemm', [x, `W${k}`, `b${k}`], `z${k}`, [{ name: 'transB', i: 1 }]));
    x = `z${k}`;
    const op = ACTIVATION_OPS[l.activation];
    if (op) {
      nodes.push(node(op, [x], `a${k}`, l.activation === 'leaky_relu' ? [{ name: 'alpha', f: 0.01 }] : []));
      x = `a${k}`;
    } else if (l.activation !== 'identity') throw new Error('no ONNX op for activation ' + l.activation);
  });
  nodes.push(node(model.head === 'sigmoid' ? 'Sigmoid' : 'Softmax', [x], 'probs', model.head === 'sigmoid' ? [] : [{ name: 'axis', i: 1 }]));
  const graph = [...nodes, str(2, model.id || 'mnist-lens'), ...inits,
    valueInfo(11, 'x', model.layers[0].inputs), valueInfo(12, 'probs', model.layers[model.layers.length - 1].outputs)];
  // ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8 (domain 1, version 2).
  return concat([int(1, 8), str(2, 'mnist-lens tools/bench/peers'), msg(7, graph), msg(8, [str(1, ''), int(2, 13)])]);
}
