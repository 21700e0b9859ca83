#pragma once
// Error types: every failure a user can cause carries a message naming what and where.
#include <stdexcept>
#include <string>

namespace tlscope {

/// A problem with user input: a file, a parameter, a model definition.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A numerical procedure that did not reach its goal (e.g. a minimization that did not converge).
class NumericalError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace tlscope
