// Reads a recipe's typed fields from its JSON object, keeping the first error, worded with the
// real limits ("\"lr\" must be a number > 0 and <= 100 (got 0)"): one reader for every recipe kind
// (trainer.cpp for classifiers, vae.cpp for the digit prior).
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <utility>

namespace lens {

struct RecipeFields {
  const nlohmann::json& j;
  std::string error;
  template <class F> void field(const char* key, F&& read) {
    if (error.empty() && j.contains(key)) read(j[key]);
  }
  // lo_open: lo itself is refused (a learning rate of 0 trains nothing), and the message says "> lo".
  void number(const char* key, float& out, float lo, float hi, bool lo_open = false) {
    field(key, [&](const nlohmann::json& v) {
      const double x = v.is_number() ? v.get<double>() : 0;
      if (!v.is_number() || !((lo_open ? x > lo : x >= lo) && x <= hi))
        error = std::string("\"") + key + "\" must be a number " + (lo_open ? "> " : ">= ") + shortest(lo) + " and <= " +
                shortest(hi) + " (got " + got(v) + ")";
      else out = v.get<float>();
    });
  }
  static std::string got(const nlohmann::json& v) {  // the value given, cut short: a recipe may be 64 KB
    const std::string d = v.dump();
    return d.size() <= 40 ? d : d.substr(0, 37) + "...";
  }
  static std::string shortest(float v) {  // 1e-06, 0.9999, 100: not std::to_string's 0.000001
    char s[32];
    std::snprintf(s, sizeof s, "%.7g", double(v));
    return s;
  }
  void integer(const char* key, int& out, int lo, int hi) {
    field(key, [&](const nlohmann::json& v) {
      if (!v.is_number_integer() || v.get<std::int64_t>() < lo || v.get<std::int64_t>() > hi)
        error = std::string("\"") + key + "\" must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi) +
                " (got " + got(v) + ")";
      else out = int(v.get<std::int64_t>());
    });
  }
  template <class E> void choice(const char* key, E& out, std::initializer_list<std::pair<const char*, E>> options) {
    field(key, [&](const nlohmann::json& v) {
      std::string names;
      for (const auto& [name, value] : options) {
        if (v.is_string() && v.get<std::string>() == name) { out = value; return; }
        names += std::string(names.empty() ? "" : ", ") + name;
      }
      error = std::string("\"") + key + "\" must be one of: " + names;
    });
  }
};

}  // namespace lens
