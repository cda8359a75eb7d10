#pragma once
// How personal data looks to those not entitled to see it whole (docs/business-rules.md, "Guard rails").
#include <string>

namespace sharedstore {

// "13812345678" -> "138****5678". Shorter numbers keep less: never more than a third visible
// at each end, and at least one character is always masked.
std::string mask_phone(const std::string& phone);

// "oAbCdEfGh123456" -> "oAb****456": enough to tell two apart in a list, not enough to use.
std::string mask_openid(const std::string& openid);

}  // namespace sharedstore
