#pragma once
// A name -> factory registry. Each kind (task, method) registers its products in one explicit
// list (envs/task_registry.cc, agents/methods.cc), not through static initialisers scattered over
// files; every name list, CLI listing and "unknown name" error reads that list.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace immimic::core {

// "unknown <kind> '<name>' (known: a, b, c)": the one wording of an unknown-name error.
inline std::string UnknownNameMessage(const std::string& kind, const std::string& name,
                                      const std::vector<std::string>& known) {
  std::string list;
  for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
  return "unknown " + kind + " '" + name + "' (known: " + list + ")";
}

template <typename Product, typename... Args>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Product>(Args...)>;

  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  void Register(const std::string& name, Factory factory) {
    IMMIMIC_THROW_UNLESS(factories_.count(name) == 0, Error, kind_, " '", name,
                         "' registered twice");
    factories_[name] = std::move(factory);
    names_.push_back(name);
  }
  bool Contains(const std::string& name) const { return factories_.count(name) > 0; }
  std::unique_ptr<Product> Make(const std::string& name, Args... args) const {
    auto it = factories_.find(name);
    if (it == factories_.end()) throw InputError(UnknownMessage(name));
    return it->second(std::forward<Args>(args)...);
  }
  // Names in registration order.
  const std::vector<std::string>& Names() const { return names_; }
  std::string UnknownMessage(const std::string& name) const {
    return UnknownNameMessage(kind_, name, names_);
  }

 private:
  std::string kind_;
  std::map<std::string, Factory> factories_;
  std::vector<std::string> names_;
};

}  // namespace immimic::core
