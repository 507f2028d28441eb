#include "services/reject_templates.hpp"

#include <array>

namespace harbour::services {
namespace {

constexpr std::array<RejectTemplate, 6> kTemplates{{
    {"identifying", "Could identify someone",
     "Your post included details that could identify you or someone else, such as a name, a place or contact "
     "details. Please take them out and send it again: it keeps everyone here safe.",
     false},
    {"medication_advice", "Advice about medication",
     "Your post gave advice about medication. Everyone's treatment is different, so we ask members not to advise "
     "on medicines or doses. You are welcome to share your own experience instead, and your GP or care team can "
     "help with questions about medication.",
     false},
    {"unkind", "Could hurt others",
     "Part of your post could come across as unkind or hurtful. Our guidelines ask everyone to be gentle with each "
     "other. Please change it and send it again.",
     false},
    {"crisis", "Worried about the author",
     "We are worried about you. Your post has not been published, but you are not alone. If you are in danger now, "
     "call 999. You can call NHS 111 and choose option 2, call Samaritans free on 116 123 at any time, or text SHOUT "
     "to 85258.",
     false},
    {"off_topic", "Does not fit this space",
     "Your post does not quite fit this space. Please change it, or post it in a space where it fits better.",
     false},
    {"other", "Something else (write a note)", "Your post could not be published as it is.", true},
}};

}  // namespace

std::span<const RejectTemplate> reject_templates() noexcept { return kTemplates; }

const RejectTemplate* find_reject_template(std::string_view key) noexcept {
  for (const auto& t : kTemplates) {
    if (t.key == key) return &t;
  }
  return nullptr;
}

}  // namespace harbour::services
