// Numbers in sentences, printed the same way by the page and the report. A value
// that is not a finite number prints as "n/a", never as "nan" or "-inf".
#pragma once
#include <string>

namespace lens {

std::string fmt(const char* format, double v);          // printf with one number
std::string pct(double fraction, int decimals = 1);     // 0.3474 -> "34.7%"
std::string points(double fraction, int decimals = 1);  // 0.012 -> "1.2 points"
std::string with_commas(long long n);                   // 10000 -> "10,000"
std::string ordinal(int n);                             // 1 -> "1st", 12 -> "12th", 23 -> "23rd"
std::string signed_number(double v, int decimals = 2);  // a real minus sign: "−1.25"
// "1 neuron" / "2 neurons": count and noun agree.
std::string count_of(long long n, const std::string& singular, const std::string& plural);
// "neuron" -> "Neuron", for a sentence's first word.
std::string capitalized(std::string s);

}  // namespace lens
