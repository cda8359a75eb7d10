#include "server/domain/console_tickets.hpp"

#include <algorithm>

namespace sharedstore {

bool is_console_ticket(std::string_view ticket) {
    return ticket.size() == console_ticket_length && std::all_of(ticket.begin(), ticket.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
           });
}

std::string console_ticket_scene(std::string_view ticket) { return "t=" + std::string(ticket); }

}  // namespace sharedstore
