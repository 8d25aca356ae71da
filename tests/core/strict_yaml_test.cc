#include "core/strict_yaml.h"

#include <gtest/gtest.h>

namespace immimic::core {
namespace {

TEST(StrictYaml, ReadsNestedValues) {
  YamlNode root = YamlNode::LoadString("a: 1\nb: {c: [1, 2, 3]}\n", "test.yaml");
  EXPECT_EQ(root.Get<int>("a"), 1);
  EXPECT_EQ(root.Child("b").GetVector("c", 3)[2], 3.0);
  EXPECT_NO_THROW(root.RejectUnknownKeys());
}

TEST(StrictYaml, MissingKeyNamesFileAndPath) {
  YamlNode root = YamlNode::LoadString("b: {c: 1}\n", "test.yaml");
  try {
    root.Child("b").Get<int>("d");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("test.yaml: missing key 'b.d'"), std::string::npos)
        << e.what();
  }
}

TEST(StrictYaml, UnknownKeyIsAnError) {
  YamlNode root = YamlNode::LoadString("a: 1\nb: {c: 1, typo: 2}\n", "test.yaml");
  root.Get<int>("a");
  root.Child("b").Get<int>("c");
  try {
    root.RejectUnknownKeys();
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown key 'b.typo'"), std::string::npos) << e.what();
  }
}

TEST(StrictYaml, WrongTypeNamesTheKey) {
  YamlNode root = YamlNode::LoadString("a: hello\n", "test.yaml");
  try {
    root.Get<double>("a");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("test.yaml: a"), std::string::npos) << e.what();
  }
}

TEST(StrictYaml, WrongVectorLength) {
  YamlNode root = YamlNode::LoadString("v: [1, 2]\n", "test.yaml");
  EXPECT_THROW(root.GetVector("v", 3), ConfigError);
}

TEST(StrictYaml, InvalidYamlIsAConfigError) {
  EXPECT_THROW(YamlNode::LoadString("a: [1, 2\n", "bad.yaml"), ConfigError);
  EXPECT_THROW(YamlNode::LoadFile("/nonexistent/file.yaml"), ConfigError);
}

TEST(StrictYaml, TextThatIsNotUtf8IsAConfigError) {
  EXPECT_EQ(YamlNode::LoadString("name: \"caf\xc3\xa9 \xe2\x9c\x93\"\n", "ok.yaml")
                .Get<std::string>("name"),
            "caf\xc3\xa9 \xe2\x9c\x93");
  // a stray continuation byte, a truncated sequence, an overlong '/', a surrogate
  for (const char* bad :
       {"name: a\x9d\n", "name: \xe2\x9c\n", "name: \xc0\xaf\n", "name: \xed\xa0\x80\n"}) {
    EXPECT_THROW(YamlNode::LoadString(bad, "bad.yaml"), ConfigError) << bad;
  }
}

TEST(StrictYaml, KeyThatIsNotANameIsAConfigError) {
  // an empty key, a list as key, a map as key (the configs fuzz target's first finding)
  for (const char* bad : {"a: {b: 1, : 2}\n", "a: {[x]: 1}\n", "a: {{x: 1}: 2}\n"}) {
    const YamlNode root = YamlNode::LoadString(bad, "bad.yaml");
    EXPECT_THROW(root.Child("a").Keys(), ConfigError) << bad;
    EXPECT_THROW(root.RejectUnknownKeys(), ConfigError) << bad;
  }
}

}  // namespace
}  // namespace immimic::core
