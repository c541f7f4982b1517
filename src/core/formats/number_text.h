// A number written as text (an ONNX model's metadata_props, lens.input_mean = "0.1307"): the
// whole text must be one finite number, so "0.3081xyz" is refused rather than read as 0.3081.
#pragma once
#include <string>

#include "core/result.h"

namespace lens {

// The number the whole of `text` spells (decimal or exponent form, as strtod reads it, with no
// space around it). The error names `key` and quotes the text (at most 40 characters of it):
// "metadata lens.input_std is \"0.3081xyz\", not a number (the whole text must be one, e.g. 0.3081)".
Result<double> number_from_text(const std::string& key, const std::string& text);

}  // namespace lens
