#pragma once
// Runs a writer job that appends audit rows, waits for its commit, then tells the anchor keeper
// (Services::audit_written) so the anchor file follows the log's head.
#include "store/database.hpp"

#include <functional>
#include <type_traits>
#include <utility>

namespace harbour::services {

// effect: Bookkeeping only when the job changes nothing a cached read shows (store::Writer).
template <class F>
auto run_audited(store::Database& db, const std::function<void()>& written, F&& job,
                 store::Writer::Effect effect = store::Writer::Effect::Visible) {
  if constexpr (std::is_void_v<std::invoke_result_t<F&, store::Connection&>>) {
    db.writer().run(std::forward<F>(job), effect).get();
    if (written) written();
  } else {
    auto result = db.writer().run(std::forward<F>(job), effect).get();
    if (written) written();
    return result;
  }
}

}  // namespace harbour::services
