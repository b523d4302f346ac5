// Tests of the six update rules and make_optimizer: the book's paths on
// f(x, y) = x^2/20 + y^2 (reference data made by the book's own Python code),
// two steps of each rule worked out by hand, per-parameter state, saving and
// restoring state and the parameter-list checks. That updates allocate
// nothing is checked by tests/alloc/test_no_allocation.cpp.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "scratchnet/optimizers/optimizers.hpp"

namespace {

namespace sn = scratchnet;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using sn::Matrix;
using sn::OptimizerOptions;
using sn::ParamList;

template <typename T>
using Make = std::function<std::unique_ptr<sn::Optimizer<T>>()>;

// ---- The reference paths ---------------------------------------------------

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  INFO("reading " << path);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct ReferencePath {
  double lr = 0;
  std::vector<std::array<double, 2>> positions;  // positions[k]: (x, y) after k updates
};

// The numbers of one rule in optimizer_paths.json, which has the shape
// {..., "rules": {"SGD": {"hyperparameters": {"lr": 0.95}, "positions":
// [[-7.0, 2.0], ...]}, ...}}: the first "lr" after the rule's key, and every
// number inside the "positions" array that follows it.
ReferencePath reference_path(const std::string& json, const std::string& rule) {
  const std::size_t rules = json.find("\"rules\"");
  REQUIRE(rules != std::string::npos);
  const std::size_t at = json.find("\"" + rule + "\"", rules);
  INFO("rule " << rule);
  REQUIRE(at != std::string::npos);
  ReferencePath ref;
  const std::size_t lr = json.find("\"lr\"", at);
  REQUIRE(lr != std::string::npos);
  ref.lr = std::strtod(json.c_str() + json.find(':', lr) + 1, nullptr);
  std::size_t i = json.find('[', json.find("\"positions\"", at));
  REQUIRE(i != std::string::npos);
  std::vector<double> numbers;
  for (int depth = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '[') ++depth;
    if (c == ']' && --depth == 0) break;
    if (c == '-' || (c >= '0' && c <= '9')) {
      char* end = nullptr;
      numbers.push_back(std::strtod(json.c_str() + i, &end));
      i = static_cast<std::size_t>(end - json.c_str()) - 1;
    }
  }
  REQUIRE(numbers.size() % 2 == 0);
  for (std::size_t k = 0; k < numbers.size(); k += 2) {
    ref.positions.push_back({numbers[k], numbers[k + 1]});
  }
  return ref;
}

struct NamedRule {
  const char* name;  // as in the reference file and as the rule's name()
  std::function<std::unique_ptr<sn::Optimizer<double>>(double lr)> make;
};

const std::vector<NamedRule>& book_rules() {
  static const std::vector<NamedRule> rules{
      {"SGD", [](double lr) { return std::make_unique<sn::SGD<double>>(lr); }},
      {"Momentum", [](double lr) { return std::make_unique<sn::Momentum<double>>(lr); }},
      {"Nesterov", [](double lr) { return std::make_unique<sn::Nesterov<double>>(lr); }},
      {"AdaGrad", [](double lr) { return std::make_unique<sn::AdaGrad<double>>(lr); }},
      {"RMSProp", [](double lr) { return std::make_unique<sn::RMSProp<double>>(lr); }},
      {"Adam", [](double lr) { return std::make_unique<sn::Adam<double>>(lr); }},
  };
  return rules;
}

double reference_tolerance(double ref) {
  return 1e-12 * std::max(1.0, std::abs(ref));
}

TEST_CASE("each rule follows the book's path on x^2/20 + y^2 from (-7, 2)", "[optimizers]") {
  const std::string json =
      read_text(std::string(SCRATCHNET_TEST_DATA_DIR) + "/optimizer_paths.json");
  for (const NamedRule& rule : book_rules()) {
    const ReferencePath ref = reference_path(json, rule.name);
    INFO(rule.name << " lr " << ref.lr);
    REQUIRE(ref.positions.size() == 31);
    REQUIRE(ref.lr > 0);
    REQUIRE(ref.positions[0][0] == -7.0);
    REQUIRE(ref.positions[0][1] == 2.0);

    const auto optimizer = rule.make(ref.lr);
    CHECK(optimizer->name() == rule.name);
    Matrix<double> x(1, 1), y(1, 1), gx(1, 1), gy(1, 1);
    x(0, 0) = -7.0;
    y(0, 0) = 2.0;
    const ParamList<double> params{{"x", &x, &gx}, {"y", &y, &gy}};
    for (std::size_t k = 1; k < ref.positions.size(); ++k) {
      gx(0, 0) = x(0, 0) / 10.0;
      gy(0, 0) = 2.0 * y(0, 0);
      optimizer->update(params);
      INFO("after update " << k);
      const double ref_x = ref.positions[k][0], ref_y = ref.positions[k][1];
      CHECK_THAT(x(0, 0), WithinAbs(ref_x, reference_tolerance(ref_x)));
      CHECK_THAT(y(0, 0), WithinAbs(ref_y, reference_tolerance(ref_y)));
    }
  }
}

// ---- Two steps by hand -----------------------------------------------------
//
// W0 = [1 -2; 0.5 3] and the same gradient G = [0.5 -1; 2 0.25] at both steps,
// so every slot is a multiple of G or G^2 and each step reduces to numbers.
// Elements are listed in row-major order. The values were worked out from the
// formulas with these numbers (in 50-digit decimal arithmetic where a square
// root is involved) and are written here as literals.

struct TwoSteps {
  const char* name;  // for make_optimizer
  OptimizerOptions options;
  Make<double> make;  // the same rule and options, by its constructor
  std::array<double, 4> after1, after2;
};

OptimizerOptions with(double lr, double momentum = 0.9, double decay = 0.99) {
  OptimizerOptions options;
  options.lr = lr;
  options.momentum = momentum;
  options.decay = decay;
  return options;
}

const std::vector<TwoSteps>& two_steps() {
  static const std::vector<TwoSteps> cases{
      // SGD lr 0.1: W1 = W0 - 0.1 G, W2 = W1 - 0.1 G.
      {"sgd",
       with(0.1),
       [] { return std::make_unique<sn::SGD<double>>(0.1); },
       {0.95, -1.9, 0.3, 2.975},
       {0.9, -1.8, 0.1, 2.95}},
      // Momentum lr 0.1, a 0.5: v1 = -0.1 G, W1 = W0 - 0.1 G;
      // v2 = 0.5 v1 - 0.1 G = -0.15 G, W2 = W1 - 0.15 G.
      {"momentum",
       with(0.1, 0.5),
       [] { return std::make_unique<sn::Momentum<double>>(0.1, 0.5); },
       {0.95, -1.9, 0.3, 2.975},
       {0.875, -1.75, 0.0, 2.9375}},
      // Nesterov lr 0.1, a 0.9: W1 = W0 + 0.81*0 - 1.9*0.1 G = W0 - 0.19 G,
      // v1 = -0.1 G; W2 = W1 + 0.81 v1 - 0.19 G = W1 - 0.271 G, v2 = -0.19 G.
      {"nesterov",
       with(0.1, 0.9),
       [] { return std::make_unique<sn::Nesterov<double>>(0.1, 0.9); },
       {0.905, -1.81, 0.12, 2.9525},
       {0.7695, -1.539, -0.422, 2.88475}},
      // AdaGrad lr 0.1: h1 = G^2, W1 = W0 - 0.1 G / (|G| + 1e-7);
      // h2 = 2 G^2, W2 = W1 - 0.1 G / (sqrt(2) |G| + 1e-7).
      // For example W1[0] = 1 - 0.05 / 0.5000001 = 0.900000019999996.
      {"adagrad",
       with(0.1),
       [] { return std::make_unique<sn::AdaGrad<double>>(0.1); },
       {0.90000001999999601, -1.900000009999999, 0.40000000499999977, 2.9000000399999841},
       {0.82928935188133979, -1.8292893368813439, 0.32928932938134492, 2.8292893818813236}},
      // RMSProp lr 0.1, decay 0.9: h1 = 0.1 G^2, W1 = W0 - 0.1 G / (sqrt(0.1) |G| + 1e-7);
      // h2 = 0.9 h1 + 0.1 G^2 = 0.19 G^2, W2 = W1 - 0.1 G / (sqrt(0.19) |G| + 1e-7).
      {"rmsprop",
       with(0.1, 0.9, 0.9),
       [] { return std::make_unique<sn::RMSProp<double>>(0.1, 0.9); },
       {0.68377243398303555, -1.6837723339831305, 0.18377228398315415, 2.683772633982656},
       {0.45435680537558343, -1.4543566527441356, -0.045643423571621149, 2.4543571106382172}},
      // Adam lr 0.1, b1 0.9, b2 0.999:
      // t 1: lr_t = 0.1 sqrt(0.001) / 0.1 = 0.0316227766, m1 = 0.1 G, v1 = 0.001 G^2,
      //      W1 = W0 - lr_t 0.1 G / (sqrt(0.001) |G| + 1e-7);
      // t 2: lr_t = 0.1 sqrt(0.001999) / 0.19 = 0.0235316725, m2 = 0.19 G,
      //      v2 = 0.001999 G^2, W2 = W1 - lr_t 0.19 G / (sqrt(0.001999) |G| + 1e-7).
      {"adam",
       with(0.1),
       [] { return std::make_unique<sn::Adam<double>>(0.1, 0.9, 0.999); },
       {0.90000063245153206, -1.900000316226766, 0.40000015811363299, 2.9000012648950642},
       {0.80000107977497192, -1.8000005398889862, 0.30000026994486817, 2.8000021595379421}},
  };
  return cases;
}

template <typename T>
void check_two_steps(sn::Optimizer<T>& optimizer, const TwoSteps& expected, double relative,
                     double absolute) {
  Matrix<T> w(2, 2), g(2, 2);
  w << T(1), T(-2), T(0.5), T(3);
  g << T(0.5), T(-1), T(2), T(0.25);
  const Matrix<T> g_before = g;
  const ParamList<T> params{{"W", &w, &g}};
  for (int step = 1; step <= 2; ++step) {
    optimizer.update(params);
    const std::array<double, 4>& want = step == 1 ? expected.after1 : expected.after2;
    for (sn::Index i = 0; i < 4; ++i) {
      INFO(expected.name << " step " << step << " element " << i);
      const double tolerance = absolute + relative * std::abs(want[std::size_t(i)]);
      CHECK_THAT(double(w.data()[i]), WithinAbs(want[std::size_t(i)], tolerance));
    }
  }
  CHECK((g.array() == g_before.array()).all());  // the gradient is only read
}

TEST_CASE("each rule's first two steps on a 2x2 matrix match a hand computation", "[optimizers]") {
  for (const TwoSteps& c : two_steps()) {
    const auto optimizer = c.make();
    check_two_steps<double>(*optimizer, c, 1e-14, 1e-15);
  }
}

TEST_CASE("make_optimizer builds float and double rules that take the same steps",
          "[optimizers][make_optimizer]") {
  for (const TwoSteps& c : two_steps()) {
    const auto in_double = sn::make_optimizer<double>(c.name, c.options);
    check_two_steps<double>(*in_double, c, 1e-14, 1e-15);
    const auto in_float = sn::make_optimizer<float>(c.name, c.options);
    check_two_steps<float>(*in_float, c, 1e-6, 1e-6);
  }
}

// ---- State -----------------------------------------------------------------

// Two parameters of different shapes whose gradients depend on their values
// and on the step, so every rule's state changes from step to step.
template <typename T>
struct Problem {
  Matrix<T> a{2, 3}, b{1, 3}, ga{2, 3}, gb{1, 3};

  Problem() {
    a << T(0.5), T(-1.25), T(2), T(0.75), T(-0.3), T(1.1);
    b << T(-0.4), T(0.9), T(0.05);
  }
  void gradients(int step) {
    ga.array() = T(0.3) * a.array() + T(0.1) * T(step) - T(0.2);
    gb.array() = T(-0.7) * b.array().square() + T(0.05) * T(step);
  }
  ParamList<T> params() { return {{"A", &a, &ga}, {"B", &b, &gb}}; }
  ParamList<T> params_reversed() { return {{"B", &b, &gb}, {"A", &a, &ga}}; }
  ParamList<T> only_a() { return {{"A", &a, &ga}}; }
  ParamList<T> only_b() { return {{"B", &b, &gb}}; }
};

template <typename T>
std::vector<std::pair<std::string, Make<T>>> all_rules() {
  // Non-default hyperparameters where a rule has them, so state() and
  // set_state() are seen to work with what the constructor was given.
  return {
      {"SGD", [] { return std::make_unique<sn::SGD<T>>(0.05); }},
      {"Momentum", [] { return std::make_unique<sn::Momentum<T>>(0.05, 0.8); }},
      {"Nesterov", [] { return std::make_unique<sn::Nesterov<T>>(0.05, 0.7); }},
      {"AdaGrad", [] { return std::make_unique<sn::AdaGrad<T>>(0.2); }},
      {"RMSProp", [] { return std::make_unique<sn::RMSProp<T>>(0.02, 0.9); }},
      {"Adam", [] { return std::make_unique<sn::Adam<T>>(0.01, 0.8, 0.99); }},
  };
}

template <typename T>
bool same(const Matrix<T>& x, const Matrix<T>& y) {
  return x.rows() == y.rows() && x.cols() == y.cols() && (x.array() == y.array()).all();
}

TEMPLATE_TEST_CASE("state is per parameter: one optimizer for two equals one for each",
                   "[optimizers]", float, double) {
  using T = TestType;
  for (const auto& [name, make] : all_rules<T>()) {
    INFO(name);
    Problem<T> together, apart;
    const auto shared = make();
    const auto for_a = make();
    const auto for_b = make();
    for (int step = 0; step < 6; ++step) {
      together.gradients(step);
      apart.gradients(step);
      shared->update(together.params());
      for_a->update(apart.only_a());
      for_b->update(apart.only_b());
      INFO("step " << step);
      CHECK(same(together.a, apart.a));
      CHECK(same(together.b, apart.b));
    }
    CHECK_FALSE(same(together.a, Problem<T>().a));  // it moved
  }
}

TEMPLATE_TEST_CASE("state() keys each slot by slot and parameter name", "[optimizers]", float,
                   double) {
  using T = TestType;
  const std::map<std::string, std::set<std::string>> keys{
      {"SGD", {}},
      {"Momentum", {"v/A", "v/B"}},
      {"Nesterov", {"v/A", "v/B"}},
      {"AdaGrad", {"h/A", "h/B"}},
      {"RMSProp", {"h/A", "h/B"}},
      {"Adam", {"m/A", "m/B", "v/A", "v/B"}},
  };
  for (const auto& [name, make] : all_rules<T>()) {
    INFO(name);
    const auto optimizer = make();
    CHECK(optimizer->state().step == 0);
    CHECK(optimizer->state().tensors.empty());
    Problem<T> p;
    for (int step = 0; step < 3; ++step) {
      p.gradients(step);
      optimizer->update(p.params());
    }
    const sn::OptimizerState<T> s = optimizer->state();
    CHECK(s.step == 3);
    std::set<std::string> got;
    for (const auto& entry : s.tensors) {
      got.insert(entry.first);
      const bool of_a = entry.first.back() == 'A';
      CHECK(entry.second.rows() == (of_a ? 2 : 1));
      CHECK(entry.second.cols() == 3);
      CHECK(entry.second.cwiseAbs().maxCoeff() > 0);
    }
    CHECK(got == keys.at(name));
  }
}

TEST_CASE("Adam's slots after one step are (1 - b1) g and (1 - b2) g^2", "[optimizers]") {
  sn::Adam<double> adam(0.01, 0.75, 0.875);
  Matrix<double> w(1, 2), g(1, 2);
  w << 1, 2;
  g << 0.5, -4;
  adam.update({{"w", &w, &g}});
  const auto s = adam.state();
  CHECK(s.step == 1);
  CHECK(s.tensors.at("m/w")(0, 0) == 0.125);    // 0.25 * 0.5
  CHECK(s.tensors.at("m/w")(0, 1) == -1.0);     // 0.25 * -4
  CHECK(s.tensors.at("v/w")(0, 0) == 0.03125);  // 0.125 * 0.25
  CHECK(s.tensors.at("v/w")(0, 1) == 2.0);      // 0.125 * 16
}

TEMPLATE_TEST_CASE("an optimizer restored from state() continues exactly as the original",
                   "[optimizers]", float, double) {
  using T = TestType;
  for (const auto& [name, make] : all_rules<T>()) {
    INFO(name);
    Problem<T> original;
    const auto first = make();
    for (int step = 0; step < 3; ++step) {
      original.gradients(step);
      first->update(original.params());
    }
    const sn::OptimizerState<T> saved = first->state();
    Problem<T> restored = original, reordered = original, overwritten = original;

    // A fresh instance, restored before its first update.
    const auto fresh = make();
    fresh->set_state(saved);
    CHECK(fresh->state().step == 3);
    // Another fresh one, whose next list has the parameters in another order:
    // the state is matched by name.
    const auto by_name = make();
    by_name->set_state(saved);
    // One that has already done updates of its own, then restored.
    const auto used = make();
    Problem<T> elsewhere;
    for (int step = 0; step < 5; ++step) {
      elsewhere.gradients(step + 7);
      used->update(elsewhere.params());
    }
    used->set_state(saved);

    for (int step = 3; step < 8; ++step) {
      original.gradients(step);
      restored.gradients(step);
      reordered.gradients(step);
      overwritten.gradients(step);
      first->update(original.params());
      fresh->update(restored.params());
      by_name->update(reordered.params_reversed());
      used->update(overwritten.params());
      INFO("step " << step);
      CHECK(same(original.a, restored.a));
      CHECK(same(original.b, restored.b));
      CHECK(same(original.a, reordered.a));
      CHECK(same(original.b, reordered.b));
      CHECK(same(original.a, overwritten.a));
      CHECK(same(original.b, overwritten.b));
    }
    CHECK(fresh->state().step == 8);
    // Written back, the restored state reads the same as the original's.
    const auto now = first->state();
    const auto again = fresh->state();
    CHECK(now.tensors.size() == again.tensors.size());
    for (const auto& entry : now.tensors) CHECK(same(entry.second, again.tensors.at(entry.first)));
  }
}

TEMPLATE_TEST_CASE("state() of a restored optimizer before its next update is what was set",
                   "[optimizers]", float, double) {
  using T = TestType;
  for (const auto& [name, make] : all_rules<T>()) {
    INFO(name);
    Problem<T> p;
    const auto first = make();
    p.gradients(0);
    first->update(p.params());
    const auto saved = first->state();
    const auto second = make();
    second->set_state(saved);
    const auto read = second->state();
    CHECK(read.step == saved.step);
    CHECK(read.tensors.size() == saved.tensors.size());
    for (const auto& entry : saved.tensors) CHECK(same(entry.second, read.tensors.at(entry.first)));
  }
}

// ---- Parameter lists and restored state that do not fit --------------------

TEST_CASE("update rejects a parameter list other than the remembered one", "[optimizers]") {
  for (const auto& [name, make] : all_rules<double>()) {
    INFO(name);
    Problem<double> p;
    Matrix<double> c = Matrix<double>::Ones(2, 3), gc = Matrix<double>::Ones(2, 3);
    const auto optimizer = make();
    p.gradients(0);
    optimizer->update(p.params());
    const Matrix<double> a_before = p.a;

    CHECK_THROWS_AS(optimizer->update({{"A", &p.a, &p.ga}, {"C", &c, &gc}}), std::invalid_argument);
    CHECK_THROWS_WITH(optimizer->update({{"A", &p.a, &p.ga}, {"C", &c, &gc}}), Contains("'C'"));
    CHECK_THROWS_WITH(optimizer->update(p.only_a()), Contains("'B'"));
    CHECK_THROWS_WITH(optimizer->update({{"A", &p.a, &p.ga}, {"B", &p.b, &p.gb}, {"C", &c, &gc}}),
                      Contains("'C'"));
    CHECK_THROWS_WITH(optimizer->update(p.params_reversed()), Contains("'B'"));
    CHECK(same(p.a, a_before));  // nothing moved
    CHECK(optimizer->state().step == 1);

    // The same names for other matrices (a copy of the network) are fine.
    Problem<double> copy = p;
    optimizer->update(copy.params());
    CHECK(optimizer->state().step == 2);
    optimizer->update(p.params());
    CHECK(optimizer->state().step == 3);

    // A gradient of the wrong shape is named too.
    Matrix<double> wrong = Matrix<double>::Zero(3, 2);
    CHECK_THROWS_WITH(optimizer->update({{"A", &p.a, &wrong}, {"B", &p.b, &p.gb}}),
                      Contains("'A'") && Contains("3x2"));
    // And a parameter that changed shape, for the rules with state.
    Matrix<double> grown = Matrix<double>::Zero(1, 4), grown_grad = Matrix<double>::Zero(1, 4);
    if (name == "SGD") {
      CHECK_NOTHROW(optimizer->update({{"A", &p.a, &p.ga}, {"B", &grown, &grown_grad}}));
    } else {
      CHECK_THROWS_WITH(optimizer->update({{"A", &p.a, &p.ga}, {"B", &grown, &grown_grad}}),
                        Contains("'B'") && Contains("1x4"));
    }
    // Two parameters of one name cannot have a state each.
    const auto fresh = make();
    CHECK_THROWS_WITH(fresh->update({{"A", &p.a, &p.ga}, {"A", &p.b, &p.gb}}),
                      Contains("'A'") && Contains("twice"));
  }
}

TEST_CASE("set_state rejects tensors that are not the rule's, and update names the misfit",
          "[optimizers]") {
  Problem<double> p;
  sn::OptimizerState<double> state;
  state.step = 2;
  state.tensors["v/A"] = Matrix<double>::Zero(2, 3);

  sn::Momentum<double> momentum;
  sn::Adam<double> adam;
  sn::AdaGrad<double> adagrad;
  sn::SGD<double> sgd;
  CHECK_NOTHROW(momentum.set_state(state));
  CHECK_THROWS_WITH(adagrad.set_state(state), Contains("'v/A'") && Contains("'h/<parameter>'"));
  CHECK_THROWS_WITH(sgd.set_state(state), Contains("'v/A'") && Contains("keeps none"));
  CHECK_THROWS_WITH(adam.set_state(state), Contains("'m/A'") && Contains("missing"));

  // Momentum was given v for A only: an update with B as well names B.
  CHECK_THROWS_WITH(momentum.update(p.params()), Contains("'B'"));
  // With only A it runs.
  p.gradients(0);
  momentum.update(p.only_a());
  CHECK(momentum.state().step == 3);

  // A restored parameter that is not in the list is named.
  state.tensors["v/C"] = Matrix<double>::Zero(2, 3);
  momentum.set_state(state);
  CHECK_THROWS_WITH(momentum.update(p.only_a()), Contains("'C'"));

  // A restored slot of another shape than its parameter.
  sn::OptimizerState<double> misshapen;
  misshapen.tensors["v/A"] = Matrix<double>::Zero(3, 2);
  momentum.set_state(misshapen);
  CHECK_THROWS_WITH(momentum.update(p.only_a()), Contains("'A'") && Contains("3x2"));

  // Slots of one parameter that disagree in shape, and a negative step.
  sn::OptimizerState<double> torn;
  torn.tensors["m/A"] = Matrix<double>::Zero(2, 3);
  torn.tensors["v/A"] = Matrix<double>::Zero(3, 3);
  CHECK_THROWS_WITH(adam.set_state(torn), Contains("'A'"));
  sn::OptimizerState<double> negative;
  negative.step = -1;
  CHECK_THROWS_WITH(adam.set_state(negative), Contains("step"));
  CHECK_THROWS_WITH(adam.set_state({0, {{"noslash", Matrix<double>::Zero(1, 1)}}}),
                    Contains("'noslash'"));
}

TEST_CASE("an empty state means no update yet: the next update starts from zero slots",
          "[optimizers]") {
  Problem<double> before, p, q;
  sn::Adam<double> used(0.01), fresh(0.01);
  before.gradients(0);
  used.update(before.params());
  used.set_state({});
  CHECK(used.state().step == 0);
  for (int step = 0; step < 3; ++step) {
    p.gradients(step);
    q.gradients(step);
    used.update(p.only_a());  // another list is fine now: nothing is remembered
    fresh.update(q.only_a());
  }
  CHECK(same(p.a, q.a));
}

// ---- Options and make_optimizer --------------------------------------------

TEST_CASE("make_optimizer knows the six names in any case", "[optimizers][make_optimizer]") {
  CHECK(sn::optimizer_names() ==
        std::vector<std::string>{"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"});
  const std::vector<std::array<std::string, 2>> names{
      {"sgd", "SGD"},           {"SGD", "SGD"},         {"Momentum", "Momentum"},
      {"NESTEROV", "Nesterov"}, {"adaGrad", "AdaGrad"}, {"RMSprop", "RMSProp"},
      {"rmsprop", "RMSProp"},   {"Adam", "Adam"},       {"aDaM", "Adam"},
  };
  for (const auto& [asked, built] : names) {
    INFO(asked);
    CHECK(sn::make_optimizer<float>(asked)->name() == built);
    CHECK(sn::make_optimizer<double>(asked)->name() == built);
  }
}

TEST_CASE("make_optimizer uses the book's defaults and the options given",
          "[optimizers][make_optimizer]") {
  // No lr, the default, means the rule's own learning rate.
  CHECK(sn::make_optimizer<double>("sgd")->learning_rate() == 0.01);
  CHECK(sn::make_optimizer<double>("momentum")->learning_rate() == 0.01);
  CHECK(sn::make_optimizer<double>("nesterov")->learning_rate() == 0.01);
  CHECK(sn::make_optimizer<double>("adagrad")->learning_rate() == 0.01);
  CHECK(sn::make_optimizer<double>("rmsprop")->learning_rate() == 0.01);
  CHECK(sn::make_optimizer<double>("adam")->learning_rate() == 0.001);
  CHECK(sn::make_optimizer<float>("adam", with(0.25))->learning_rate() == 0.25);

  CHECK(dynamic_cast<sn::Momentum<double>&>(*sn::make_optimizer<double>("momentum")).momentum() ==
        0.9);
  CHECK(dynamic_cast<sn::RMSProp<double>&>(*sn::make_optimizer<double>("rmsprop")).decay() == 0.99);
  const auto adam = sn::make_optimizer<double>("adam");
  CHECK(dynamic_cast<sn::Adam<double>&>(*adam).beta1() == 0.9);
  CHECK(dynamic_cast<sn::Adam<double>&>(*adam).beta2() == 0.999);

  OptimizerOptions options;
  options.momentum = 0.5;
  options.decay = 0.75;
  options.beta1 = 0.25;
  options.beta2 = 0.125;
  const auto momentum = sn::make_optimizer<double>("momentum", options);
  const auto nesterov = sn::make_optimizer<double>("nesterov", options);
  const auto rmsprop = sn::make_optimizer<double>("rmsprop", options);
  const auto adam2 = sn::make_optimizer<double>("adam", options);
  CHECK(dynamic_cast<sn::Momentum<double>&>(*momentum).momentum() == 0.5);
  CHECK(dynamic_cast<sn::Nesterov<double>&>(*nesterov).momentum() == 0.5);
  CHECK(dynamic_cast<sn::RMSProp<double>&>(*rmsprop).decay() == 0.75);
  CHECK(dynamic_cast<sn::Adam<double>&>(*adam2).beta1() == 0.25);
  CHECK(dynamic_cast<sn::Adam<double>&>(*adam2).beta2() == 0.125);

  // The constructors' defaults are the book's too.
  CHECK(sn::SGD<float>().learning_rate() == 0.01);
  CHECK(sn::Momentum<float>().momentum() == 0.9);
  CHECK(sn::Nesterov<float>().momentum() == 0.9);
  CHECK(sn::AdaGrad<float>().learning_rate() == 0.01);
  CHECK(sn::RMSProp<float>().decay() == 0.99);
  CHECK(sn::Adam<float>().learning_rate() == 0.001);
}

TEST_CASE("make_optimizer rejects an unknown name, listing the known ones",
          "[optimizers][make_optimizer]") {
  CHECK_THROWS_AS(sn::make_optimizer<float>("adamw"), std::invalid_argument);
  CHECK_THROWS_WITH(sn::make_optimizer<double>("adamw"),
                    Contains("'adamw'") && Contains("sgd") && Contains("momentum") &&
                        Contains("nesterov") && Contains("adagrad") && Contains("rmsprop") &&
                        Contains("adam"));
  CHECK_THROWS_AS(sn::make_optimizer<double>(""), std::invalid_argument);
  CHECK_THROWS_AS(sn::make_optimizer<double>("sgd "), std::invalid_argument);
}

TEST_CASE("a learning rate that is not a finite positive number is rejected",
          "[optimizers][make_optimizer]") {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const std::string& name : sn::optimizer_names()) {
    for (const double lr : {0.0, -0.0, -0.01, inf, -inf}) {
      INFO(name << " lr " << lr);
      CHECK_THROWS_WITH(sn::make_optimizer<float>(name, with(lr)), Contains("lr: "));
      CHECK_THROWS_AS(sn::make_optimizer<double>(name, with(lr)), std::invalid_argument);
    }
  }
  // NaN is an error like the others (through make_optimizer too: see
  // test_option_validation.cpp).
  CHECK_THROWS_WITH(sn::SGD<double>(nan), "lr: must be a finite positive number, got nan");
  CHECK_THROWS_WITH(sn::Momentum<double>(0), "lr: must be a finite positive number, got 0");
  CHECK_THROWS_WITH(sn::Nesterov<float>(-1), "lr: must be a finite positive number, got -1");
  CHECK_THROWS_WITH(sn::AdaGrad<double>(inf), "lr: must be a finite positive number, got inf");
  CHECK_THROWS_AS(sn::RMSProp<float>(nan), std::invalid_argument);
  CHECK_THROWS_AS(sn::Adam<double>(-inf), std::invalid_argument);

  sn::Adam<double> adam;
  CHECK_THROWS_WITH(adam.set_learning_rate(nan), Contains("lr: "));
  CHECK_THROWS_WITH(adam.set_learning_rate(0), Contains("lr: "));
  CHECK(adam.learning_rate() == 0.001);
  adam.set_learning_rate(0.5);
  CHECK(adam.learning_rate() == 0.5);
}

TEST_CASE("momentum, decay and the betas must be at least 0 and below 1",
          "[optimizers][make_optimizer]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const double bad : {1.0, 1.5, -0.1, nan}) {
    INFO(bad);
    CHECK_THROWS_WITH(sn::Momentum<double>(0.01, bad), Contains("momentum: must be in [0, 1)"));
    CHECK_THROWS_WITH(sn::Nesterov<float>(0.01, bad), Contains("momentum: must be in [0, 1)"));
    CHECK_THROWS_WITH(sn::RMSProp<double>(0.01, bad), Contains("decay: must be in [0, 1)"));
    CHECK_THROWS_WITH(sn::Adam<double>(0.01, bad), Contains("beta1: must be in [0, 1)"));
    CHECK_THROWS_WITH(sn::Adam<float>(0.01, 0.9, bad), Contains("beta2: must be in [0, 1)"));
    OptimizerOptions options;
    options.momentum = bad;
    CHECK_THROWS_WITH(sn::make_optimizer<double>("nesterov", options), Contains("momentum"));
    CHECK_NOTHROW(sn::make_optimizer<double>("adam", options));  // Adam has no momentum
  }
  CHECK_THROWS_WITH(sn::Momentum<double>(0.01, 1.0), "momentum: must be in [0, 1), got 1");
  CHECK_NOTHROW(sn::Momentum<double>(0.01, 0.0));
  CHECK_NOTHROW(sn::Adam<double>(0.01, 0.0, 0.0));
}

}  // namespace

// ---- A rule of the user's own ----------------------------------------------

namespace {

// AMSGrad without bias correction (Reddi et al. 2018), written as a user would:
// three slots declared by name, and nothing of SlottedOptimizer edited.
//   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,  vmax = max(vmax, v),
//   W -= lr m / (sqrt(vmax) + 1e-7)
class AmsGrad : public sn::SlottedOptimizer<double> {
 public:
  AmsGrad() : sn::SlottedOptimizer<double>("AMSGrad", 0.1) {}

 protected:
  void update_block(const Block& b) const override {
    auto m = b.slot(m_);
    auto v = b.slot(v_);
    auto vmax = b.slot(vmax_);
    m = 0.9 * m + 0.1 * b.grad();
    v = 0.999 * v + 0.001 * b.grad().square();
    vmax = vmax.max(v);
    b.value() -= learning_rate() * m / (vmax.sqrt() + 1e-7);
  }

 private:
  SlotId m_ = add_slot("m");
  SlotId v_ = add_slot("v");
  SlotId vmax_ = add_slot("vmax");
};

}  // namespace

TEST_CASE("a rule with three slots needs no change to SlottedOptimizer", "[optimizers]") {
  Matrix<double> w(1, 2), g(1, 2);
  w << 1.0, -2.0;
  const ParamList<double> params{{"W", &w, &g}};
  AmsGrad rule;
  // By hand, element 0: g = 0.5, then g = 0.01 (v falls, vmax keeps the first).
  g << 0.5, -1.0;
  rule.update(params);
  g << 0.01, -1.0;
  rule.update(params);
  const double m1 = 0.1 * 0.5, v1 = 0.001 * 0.25;
  const double m2 = 0.9 * m1 + 0.1 * 0.01, v2 = 0.999 * v1 + 0.001 * 0.0001;
  const double w0 = 1.0 - 0.1 * m1 / (std::sqrt(v1) + 1e-7) - 0.1 * m2 / (std::sqrt(v1) + 1e-7);
  CHECK(w(0, 0) == Approx(w0).epsilon(1e-12));
  const sn::OptimizerState<double> state = rule.state();
  REQUIRE(state.tensors.size() == 3);
  CHECK(state.tensors.at("m/W")(0, 0) == Approx(m2));
  CHECK(state.tensors.at("v/W")(0, 0) == Approx(v2));
  REQUIRE(v2 < v1);
  CHECK(state.tensors.at("vmax/W")(0, 0) == Approx(v1));
  // Restored into a fresh rule by name, it goes on exactly as the original.
  AmsGrad restored;
  restored.set_state(state);
  Matrix<double> w_copy = w;
  const ParamList<double> copy_params{{"W", &w_copy, &g}};
  rule.update(params);
  restored.update(copy_params);
  CHECK(w_copy == w);
}
