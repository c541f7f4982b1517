// Whether an ONNX file records the input normalization its model was trained with, in the
// metadata keys onnx_import reads (lens.input_mean, lens.input_std). A model that records none
// and is given none has its normalization measured instead (interpret/input_norm_search.h), so
// the page and lens-import ask this of every ONNX file they import.
#pragma once
#include "core/formats/bytes.h"

namespace lens {

// Reads the ModelProto's top-level fields only: the graph, almost all of the file, is skipped
// without being decoded. Bytes that are not a well-formed model record nothing.
bool onnx_records_input_norm(const Bytes& bytes);

}  // namespace lens
