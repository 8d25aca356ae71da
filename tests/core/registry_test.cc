// The name -> factory registry: order, lookup, and the unknown-name and duplicate errors.
#include "core/registry.h"

#include <gtest/gtest.h>

namespace immimic::core {
namespace {

struct Shape {
  virtual ~Shape() = default;
  virtual int sides() const = 0;
};
struct Square : Shape {
  int sides() const override { return 4; }
};
struct Polygon : Shape {
  explicit Polygon(int n) : n(n) {}
  int sides() const override { return n; }
  int n;
};

TEST(Registry, MakesByNameInRegistrationOrderAndListsTheKnownOnes) {
  Registry<Shape, int> shapes("shape");
  shapes.Register("square", [](int) { return std::make_unique<Square>(); });
  shapes.Register("polygon", [](int n) { return std::make_unique<Polygon>(n); });
  EXPECT_EQ(shapes.Names(), (std::vector<std::string>{"square", "polygon"}));
  EXPECT_EQ(shapes.Make("polygon", 6)->sides(), 6);
  EXPECT_TRUE(shapes.Contains("square"));
  try {
    shapes.Make("circle", 0);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "unknown shape 'circle' (known: square, polygon)");
  }
  EXPECT_THROW(shapes.Register("square", [](int) { return std::make_unique<Square>(); }), Error);
}

}  // namespace
}  // namespace immimic::core
