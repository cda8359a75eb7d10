#pragma once
// The simulator's stand-in for a mini-program code: a real, valid PNG whose pixels derive from
// the scene and page, carrying both in tEXt chunks so tests can read back what was encoded.
#include <string>

namespace sharedstore::simulator {

std::string make_qr_png(const std::string& scene, const std::string& page, int size = 64);

}  // namespace sharedstore::simulator
