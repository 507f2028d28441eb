#pragma once
// What every staff action shares: the reason given (suspend, hide, reject, move ...), kept in the
// audit log and often shown to the person it concerns, and the audit row that records it.
#include "services/audit_log.hpp"
#include "services/principal.hpp"
#include "services/request_meta.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace harbour::services {

inline constexpr std::size_t kReasonMinChars = 3;
inline constexpr std::size_t kReasonMaxChars = 500;

// Trimmed; 3..500 characters; control characters other than line breaks and tabs refused.
// Throws AppError{BadRequest, "invalid_reason"}.
std::string checked_staff_reason(std::string_view raw);

// An audit row for `who` doing `action` to target_type/target_id in a network (nullopt:
// deployment-wide), with their session reference and the keyed hash of their IP address.
AuditEntry staff_audit_entry(const Principal& who, std::string action, const RequestMeta& meta,
                             std::optional<std::int64_t> network_id, std::string target_type, std::string target_id);

}  // namespace harbour::services
