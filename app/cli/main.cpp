// tlscope-cli: the TLScope engine from the command line.
#include "app/cli/Commands.h"
#include "app/cli/Mpi.h"
#include "core/common/Error.h"
#include "core/potential/PairKernel.h"

#include <cstring>
#include <functional>
#include <iostream>
#include <map>

namespace {

struct Command {
    std::function<int(const tlscope::cli::Args&)> run;
    const char* summary;
};

const std::map<std::string, Command>& commands() {
    using namespace tlscope::cli;
    static const std::map<std::string, Command> table = {
        {"evaluate", {evaluateCommand, "energy and forces of a configuration"}},
        {"minimize", {minimizeCommand, "relax a configuration to its inherent structure"}},
        {"md", {mdCommand, "molecular dynamics (NVE or thermostatted)"}},
        {"generate", {generateCommand, "make a random liquid equilibrated at a temperature"}},
        {"search", {searchCommand, "DWP search campaign to a session file (*.tls.h5)"}},
        {"calibrate", {calibrateCommand, "scan T_search x N_search for the yield of nearby minima"}},
        {"analyze", {analyzeCommand, "the paper's tables and histograms from a session file"}},
        {"export", {exportCommand, "DWP table as CSV, one DWP as extended XYZ"}},
        {"repath", {repathCommand, "re-resolve every DWP's path and levels with this build (from stored saddles)"}},
        {"equilibrium", {equilibriumCommand, "equilibrium inherent-structure energy distribution at T"}},
        {"prepare", {prepareCommand, "glasses by swap Monte Carlo: cooling to T_f, then production at T_f"}},
        {"explore", {exploreCommand, "the metabasin of a glass: low-T MD, quenches, transitions, their DWPs and TLS"}},
        {"report", {reportCommand, "the Reinisch-Heuer paper's figures and numbers (PNG, SVG, report.md)"}},
        {"convert", {convertCommand, "extended XYZ <-> LAMMPS data/dump, with a LAMMPS energy check script"}},
    };
    return table;
}

void usage(std::ostream& out) {
    out << "usage: tlscope-cli COMMAND [options]   (tlscope-cli COMMAND --help for details)\n\n"
        << "TLScope finds and inspects two-level systems in simulated glasses.\n\ncommands:\n";
    for (const auto& [name, c] : commands())
        out << "  " << name << std::string(12 - name.size(), ' ') << c.summary << "\n";
    out << "\nmodels: ka-rh (default), ka-rh-perpair, ka, ka-energy-shifted, ka2 (ternary, swap Monte Carlo),\n"
           "or a model file\n";
}

int run(int argc, char** argv) {
    if (argc < 2) {
        usage(std::cerr);
        return 2;
    }
    const std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        usage(std::cout);
        return 0;
    }
    if (name == "--version") {
        std::cout << "tlscope-cli " << TLSCOPE_VERSION << "\n";
        std::string paths;
        for (auto p : tlscope::kernel::availablePaths()) {
            paths += ' ';
            paths += tlscope::kernel::name(p);
        }
        std::string active;
        try {
            active = tlscope::kernel::name(tlscope::kernel::activePath());
        } catch (const tlscope::InputError& e) {
            active = std::string("none (") + e.what() + ")";
        }
        std::cout << "force kernel: " << active;
        std::cout << " (this CPU runs:" << paths << "; TLSCOPE_KERNEL chooses one)\n";
        return 0;
    }
    if (name == "--has-kernel" && argc == 3) { // exit 0 if this CPU and build run that path
        try {
            return tlscope::kernel::available(tlscope::kernel::parsePath(argv[2])) ? 0 : 1;
        } catch (const tlscope::InputError& e) {
            std::cerr << "tlscope-cli: " << e.what() << "\n";
            return 2;
        }
    }
    auto it = commands().find(name);
    if (it == commands().end()) {
        std::cerr << "tlscope-cli: unknown command '" << name << "' (see tlscope-cli --help)\n";
        return 2;
    }
    // Under mpirun an error every rank saw is printed once (rank 0); an error of one rank alone
    // ends the whole job (the other ranks would wait for it at the next collective step).
    auto& mpi = tlscope::cli::Mpi::world();
    auto fail = [&](const char* kind, const std::exception& e, int code) {
        // Every rank failed at once (a bad option, a missing file): say it once and exit normally.
        if (mpi.parallel() && mpi.allFailedWithin(2.0)) {
            if (mpi.rank() == 0) std::cerr << "tlscope-cli " << name << ": " << kind << e.what() << "\n";
            return code;
        }
        std::cerr << "tlscope-cli " << name << mpi.label() << ": " << kind << e.what() << "\n";
        if (mpi.parallel()) {
            std::cerr.flush();
            tlscope::cli::Mpi::abort(code);
        }
        return code;
    };
    try {
        return it->second.run(tlscope::cli::Args(argv + 2, argv + argc));
    } catch (const tlscope::cli::CollectiveError& e) {
        if (mpi.rank() == 0) std::cerr << "tlscope-cli " << name << ": error: " << e.what() << "\n";
        return 2;
    } catch (const tlscope::InputError& e) {
        return fail("error: ", e, 2);
    } catch (const tlscope::NumericalError& e) {
        return fail("numerical failure: ", e, 3);
    } catch (const std::exception& e) {
        return fail("unexpected error: ", e, 4);
    }
}

} // namespace

int main(int argc, char** argv) {
    try {
        tlscope::cli::Mpi::initialize(&argc, &argv);
    } catch (const tlscope::InputError& e) {
        std::cerr << "tlscope-cli: " << e.what() << "\n";
        return 2;
    }
    const int code = run(argc, argv);
    tlscope::cli::Mpi::finalize();
    return code;
}
