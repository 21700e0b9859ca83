#pragma once
// A small declarative command-line parser: every option has help text, unknown ones are errors.
#include "core/common/Error.h"

#include <cstdint>
#include <iostream>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace tlscope::cli {

struct OptionSpec {
    std::string name;       ///< without the leading "--"
    std::string valueName;  ///< empty for a flag
    std::string help;
    std::string defaultValue;
    bool required = false;
};

class Arguments {
public:
    Arguments(std::string command, std::string summary, std::vector<OptionSpec> options)
        : command_(std::move(command)), summary_(std::move(summary)), specs_(std::move(options)) {}

    /// Parses argv; returns false if --help was asked for (help already printed).
    bool parse(const std::vector<std::string>& args) {
        for (std::size_t i = 0; i < args.size(); ++i) {
            const std::string& a = args[i];
            if (a == "--help" || a == "-h") {
                printHelp(std::cout);
                return false;
            }
            if (a.rfind("--", 0) != 0) {
                positional_.push_back(a);
                continue;
            }
            std::string name = a.substr(2), value;
            bool inlineValue = false;
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                inlineValue = true;
            }
            const OptionSpec* spec = find(name);
            if (!spec) throw InputError(command_ + ": unknown option --" + name + " (see --help)");
            if (spec->valueName.empty()) {
                if (inlineValue) throw InputError(command_ + ": --" + name + " takes no value");
                values_[name] = std::string(1, '1');
            } else {
                if (!inlineValue) {
                    if (i + 1 >= args.size())
                        throw InputError(command_ + ": --" + name + " needs a value " + spec->valueName);
                    value = args[++i];
                }
                values_[name] = value;
            }
        }
        for (const auto& s : specs_)
            if (s.required && !values_.count(s.name))
                throw InputError(command_ + ": missing required option --" + s.name + " " + s.valueName);
        return true;
    }

    bool has(const std::string& name) const { return values_.count(name) > 0; }
    std::string get(const std::string& name) const {
        if (auto it = values_.find(name); it != values_.end()) return it->second;
        const OptionSpec* s = find(name);
        return s ? s->defaultValue : std::string{};
    }
    double number(const std::string& name) const {
        const std::string v = get(name);
        try {
            std::size_t used = 0;
            const double d = std::stod(v, &used);
            if (used == v.size() && std::isfinite(d)) return d;
        } catch (const std::exception&) {
        }
        throw InputError(command_ + ": --" + name + " expects a finite number, got '" + v + "'");
    }
    /// An integer in [min, max]; max defaults to the largest int, so a value never wraps when it
    /// is stored in an int (--n 4294967361 was read as 65).
    long integer(const std::string& name, long min = 0, long max = std::numeric_limits<int>::max()) const {
        const std::string v = get(name);
        long n = 0;
        try {
            std::size_t used = 0;
            n = std::stol(v, &used);
            if (used != v.size()) throw std::invalid_argument(v);
        } catch (const std::exception&) {
            throw InputError(command_ + ": --" + name + " expects an integer, got '" + v + "'");
        }
        if (n < min)
            throw InputError(command_ + ": --" + name + " must be >= " + std::to_string(min) +
                             ", got " + v);
        if (n > max)
            throw InputError(command_ + ": --" + name + " must be <= " + std::to_string(max) +
                             ", got " + v);
        return n;
    }
    double positive(const std::string& name) const {
        const double v = number(name);
        if (!(v > 0.0)) throw InputError(command_ + ": --" + name + " must be > 0, got " + get(name));
        return v;
    }
    std::uint64_t seed(const std::string& name) const {
        return static_cast<std::uint64_t>(integer(name, 0, std::numeric_limits<long>::max()));
    }
    const std::vector<std::string>& positional() const { return positional_; }

    void printHelp(std::ostream& out) const {
        out << "usage: tlscope-cli " << command_ << " [options]\n\n" << summary_ << "\n\noptions:\n";
        for (const auto& s : specs_) {
            std::string left = "  --" + s.name + (s.valueName.empty() ? "" : " " + s.valueName);
            out << left << std::string(left.size() < 28 ? 28 - left.size() : 1, ' ') << s.help;
            if (!s.defaultValue.empty()) out << " (default " << s.defaultValue << ")";
            if (s.required) out << " [required]";
            out << "\n";
        }
        out << "  --help                    this text\n";
    }

private:
    const OptionSpec* find(const std::string& name) const {
        for (const auto& s : specs_)
            if (s.name == name) return &s;
        return nullptr;
    }
    std::string command_, summary_;
    std::vector<OptionSpec> specs_;
    std::map<std::string, std::string> values_;
    std::vector<std::string> positional_;
};

} // namespace tlscope::cli
