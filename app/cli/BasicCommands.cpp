// evaluate, minimize, md, generate: the physics core driven from the command line.
#include "app/cli/Arguments.h"
#include "app/cli/Commands.h"
#include "core/dynamics/MolecularDynamics.h"
#include "core/dynamics/Preparation.h"
#include "core/io/ConfigurationFile.h"
#include "core/io/ExtendedXyz.h"
#include "core/io/LammpsData.h"
#include "core/io/SafeWrite.h"
#include "core/landscape/Minimizer.h"
#include "core/model/Model.h"
#include "core/potential/PairPotential.h"

#include <chrono>
#include <cstdio>
#include <iostream>

namespace tlscope::cli {

namespace {

OptionSpec modelOption() {
    return {"model", "M", "model preset or model file", "ka-rh", false};
}

struct LoadedSystem {
    Model model;
    Configuration conf;
};

LoadedSystem load(const Arguments& a) {
    LoadedSystem s{Model::fromNameOrFile(a.get("model")), {}};
    const std::string input = a.get("input");
    LoadedConfiguration c = readConfigurationFile(input, s.model);
    for (const auto& w : c.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    s.conf = std::move(c.conf);
    return s;
}

} // namespace

int evaluateCommand(const Args& args) {
    Arguments a("evaluate", "Prints the total potential energy (full precision) and max force;\n"
                            "optionally writes an extended XYZ with a forces column.",
                {modelOption(),
                 {"input", "FILE", "configuration (extended XYZ, LAMMPS data or dump)", "", true},
                 {"output", "FILE", "write configuration with forces and energy", "", false}});
    if (!a.parse(args)) return 0;
    auto [model, conf] = load(a);
    PairPotential potential(model, conf);
    Eigen::VectorXd forces;
    const double e = potential.energyAndForce(conf.positions, forces);
    if (!std::isfinite(e) || !forces.allFinite())
        throw NumericalError(a.get("input") + ": the energy or a force is not finite (two particles on top of each other?)");
    std::printf("particles      %d\nbox            %.17g\nenergy         %.17g\n"
                "energy/particle %.17g\nmax force      %.6e\n",
                conf.size(), conf.boxLength, e, e / conf.size(), maxAbs(forces));
    if (a.has("output")) {
        XyzWriteOptions o;
        o.forces = &forces;
        o.energy = e;
        o.info["model"] = model.name;
        writeXyzFile(a.get("output"), {conf}, model, {o});
        std::printf("wrote          %s\n", a.get("output").c_str());
    }
    return 0;
}

int minimizeCommand(const Args& args) {
    Arguments a("minimize", "Relaxes a configuration to the nearest local minimum (its inherent\n"
                            "structure). Exits with status 3 if the minimizer does not converge.",
                {modelOption(),
                 {"input", "FILE", "configuration (extended XYZ, LAMMPS data or dump)", "", true},
                 {"output", "FILE", "minimized configuration (extended XYZ; *.data: LAMMPS data file)", "", true},
                 {"minimizer", "cg|fire|lbfgs", "algorithm", "cg", false},
                 {"ftol", "X", "converge when max |force component| < X", "1e-10", false},
                 {"max-iterations", "N", "iteration limit", "200000", false}});
    if (!a.parse(args)) return 0;
    auto [model, conf] = load(a);
    PairPotential potential(model, conf);
    MinimizerOptions o;
    o.forceTolerance = a.positive("ftol");
    o.maxIterations = a.integer("max-iterations", 1);
    const auto kind = parseMinimizer(a.get("minimizer"));
    const double e0 = potential.energy(conf.positions);
    if (!std::isfinite(e0))
        throw NumericalError(a.get("input") + ": the energy is not finite (two particles on top of each other?)");
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = minimize(potential, conf.positions, kind, o);
    if (!std::isfinite(r.energy) || !conf.positions.allFinite())
        throw NumericalError(a.get("input") + ": the minimization produced a non-finite energy or position");
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("minimizer         %s\ninitial energy    %.17g\nfinal energy      %.17g\n"
                "iterations        %ld\nforce evaluations %ld\nmax force         %.6e\n"
                "time              %.3f ms\nstatus            %s\n",
                minimizerName(kind).c_str(), e0, r.energy, r.iterations, r.forceEvaluations,
                r.maxForce, ms, r.describe().c_str());
    Eigen::VectorXd forces;
    potential.energyAndForce(conf.positions, forces);
    XyzWriteOptions w;
    w.energy = r.energy;
    w.forces = &forces;
    w.info["model"] = model.name;
    w.info["converged"] = r.converged() ? "T" : "F";
    writeConfigurationFile(a.get("output"), conf, model, w);
    if (!r.converged()) {
        std::fprintf(stderr, "tlscope-cli minimize: %s; wrote the last configuration to %s\n",
                     r.describe().c_str(), a.get("output").c_str());
        return 3;
    }
    return 0;
}

int mdCommand(const Args& args) {
    Arguments a("md", "Molecular dynamics with velocity Verlet: NVE by default, or with a\n"
                      "Langevin/Andersen thermostat. Prints energies every --print steps.",
                {modelOption(),
                 {"input", "FILE", "configuration (extended XYZ, velo column used if present; LAMMPS data or dump)", "", true},
                 {"steps", "N", "number of time steps", "", true},
                 {"dt", "X", "time step", "0.01", false},
                 {"temperature", "T", "initial velocities (and thermostat) temperature", "", false},
                 {"thermostat", "none|langevin|andersen", "thermostat", "none", false},
                 {"friction", "G", "Langevin friction", "1", false},
                 {"seed", "S", "random seed", "1", false},
                 {"print", "N", "print energies every N steps", "100", false},
                 {"output", "FILE", "final configuration with velocities", "", false}});
    if (!a.parse(args)) return 0;
    LoadedSystem s{Model::fromNameOrFile(a.get("model")), {}};
    const std::string input = a.get("input");
    XyzFrame frame;
    if (detectConfigurationFormat(input) == ConfigurationFormat::Xyz) {
        frame = readXyzFile(input);
        s.conf = frame.toConfiguration(s.model, input);
    } else {
        s = load(a);
    }
    MdParameters p;
    p.timeStep = a.positive("dt");
    if (p.timeStep > 0.1) throw InputError("md: --dt must be <= 0.1 (velocity Verlet is unstable far above 0.01), got " + a.get("dt"));
    p.thermostat = parseThermostat(a.get("thermostat"));
    p.friction = a.positive("friction");
    p.collisionFrequency = a.positive("friction");
    const bool haveT = a.has("temperature");
    if (haveT) p.temperature = a.positive("temperature");
    if (p.thermostat != Thermostat::None && !haveT)
        throw InputError("md: a thermostat needs --temperature");
    const long steps = a.integer("steps", 0);
    const long every = a.integer("print", 1);
    PairPotential potential(s.model, s.conf);
    MolecularDynamics md(potential, s.conf.massVector(s.model), p, RandomStream(a.seed("seed")));
    md.setPositions(s.conf.positions);
    if (frame.velocities && !haveT)
        md.state().velocities = *frame.velocities;
    else if (haveT)
        md.drawVelocities(p.temperature);
    const double e0 = md.totalEnergy();
    if (!std::isfinite(e0))
        throw NumericalError(input + ": the starting energy is not finite (two particles on top of each other?)");
    std::printf("%10s %12s %20s %20s %20s\n", "step", "time", "potential", "kinetic", "total");
    auto report = [&] {
        std::printf("%10ld %12.4f %20.12f %20.12f %20.12f  T=%.5f\n", md.state().step,
                    md.state().step * p.timeStep, md.state().potentialEnergy, md.kineticEnergy(),
                    md.totalEnergy(), md.temperature());
    };
    report();
    const auto t0 = std::chrono::steady_clock::now();
    for (long k = 0; k < steps; ++k) {
        md.step();
        if (!std::isfinite(md.state().potentialEnergy))
            throw NumericalError("md: energy became non-finite at step " +
                                 std::to_string(md.state().step) + "; reduce --dt");
        if ((k + 1) % every == 0 || k + 1 == steps) report();
    }
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (p.thermostat == Thermostat::None)
        std::printf("energy drift     %.3e (relative %.3e)\n", md.totalEnergy() - e0,
                    (md.totalEnergy() - e0) / std::abs(e0));
    std::printf("performance      %.3f us/step, %.3f ns/atom-step\n", 1e6 * sec / std::max(1L, steps),
                1e9 * sec / std::max(1L, steps) / s.conf.size());
    if (a.has("output")) {
        Configuration out = s.conf;
        out.positions = md.state().positions;
        XyzWriteOptions w;
        w.velocities = &md.state().velocities;
        w.energy = md.state().potentialEnergy;
        w.info["model"] = s.model.name;
        writeXyzFile(a.get("output"), {out}, s.model, {w});
    }
    return 0;
}

int generateCommand(const Args& args) {
    Arguments a("generate", "Makes a random liquid of N particles at the model's density:\n"
                            "random fcc sites, overlap removal, melt at T=2, then Langevin MD at T.\n"
                            "Prints the MSD and F_s(q,t) of species A over the second half of the time\n"
                            "at T and tau_alpha: whether that time equilibrates the liquid (the search\n"
                            "equilibrates each start the same way, --equil-time).",
                {modelOption(),
                 {"n", "N", "number of particles", "", true},
                 {"temperature", "T", "equilibration temperature", "0.5", false},
                 {"time", "t", "equilibration time at T (LJ units)", "3000", false},
                 {"melt-time", "t", "time at the melt temperature first", "10", false},
                 {"seed", "S", "random seed", "1", false},
                 {"output", "FILE", "configuration to write (extended XYZ; *.data: LAMMPS data file)", "", true}});
    if (!a.parse(args)) return 0;
    const Model model = Model::fromNameOrFile(a.get("model"));
    EquilibrationParameters p;
    p.temperature = a.positive("temperature");
    p.time = a.number("time");
    p.meltTime = a.number("melt-time");
    const int n = static_cast<int>(a.integer("n", 2));
    checkCutoffFitsBox(model, model.boxLengthFor(n));
    int lastPercent = -1;
    RelaxationCurve relaxation;
    Configuration c = generateEquilibratedLiquid(model, n, p, a.seed("seed"), [&](double f) {
        const int percent = static_cast<int>(100 * f);
        if (percent / 10 != lastPercent / 10) {
            std::fprintf(stderr, "\rgenerate: %3d %%", percent);
            lastPercent = percent;
        }
    }, &relaxation);
    std::fprintf(stderr, "\n");
    if (!relaxation.time.empty()) std::printf("%s", relaxation.report(p.time).c_str());
    PairPotential potential(model, c);
    const double e = potential.energy(c.positions);
    XyzWriteOptions w;
    w.energy = e;
    w.info["model"] = model.name;
    w.info["temperature"] = a.get("temperature");
    w.info["seed"] = a.get("seed");
    writeConfigurationFile(a.get("output"), c, model, w);
    std::printf("generated %d particles (box %.6f) at T=%g, potential energy %.10f -> %s\n", n,
                c.boxLength, p.temperature, e, a.get("output").c_str());
    return 0;
}

int convertCommand(const Args& args) {
    Arguments a("convert", "Converts a configuration between extended XYZ and LAMMPS files, so that\n"
                           "glasses made with LAMMPS come in and ours go out. Input format by name or\n"
                           "content (XYZ, LAMMPS data file, LAMMPS text dump), output by name (*.data:\n"
                           "LAMMPS data file, else XYZ). Atom type t is the model's species t-1.\n"
                           "--lammps-input writes a LAMMPS script that recomputes the energy with the\n"
                           "model's pair potential (compare with tlscope-cli evaluate).",
                {modelOption(),
                 {"input", "FILE", "configuration to read", "", true},
                 {"output", "FILE", "configuration to write", "", true},
                 {"format", "F", "input format: auto, xyz, lammps-data or lammps-dump", "auto", false},
                 {"frame", "K", "dump files: frame to read (0 = first, -1 = last)", "-1", false},
                 {"lammps-input", "FILE", "also write a LAMMPS input script for --output (a data file)", "", false}});
    if (!a.parse(args)) return 0;
    const Model model = Model::fromNameOrFile(a.get("model"));
    const std::string input = a.get("input"), output = a.get("output");
    std::optional<ConfigurationFormat> format;
    if (a.get("format") != "auto") format = parseConfigurationFormat(a.get("format"));
    const long frame = a.integer("frame", -1000000);
    LoadedConfiguration c = readConfigurationFile(input, model, static_cast<int>(frame), format);
    for (const auto& w : c.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    PairPotential potential(model, c.conf);
    const double e = potential.energy(c.conf.positions);
    XyzWriteOptions w;
    w.energy = e;
    w.info["model"] = model.name;
    writeConfigurationFile(output, c.conf, model, w);
    std::printf("read           %s (%s, %d particles, box %.10g)\nenergy         %.17g\nwrote          %s\n",
                input.c_str(), configurationFormatName(c.format).c_str(), c.conf.size(), c.conf.boxLength, e,
                output.c_str());
    if (a.has("lammps-input")) {
        if (detectConfigurationFormat(output) != ConfigurationFormat::LammpsData)
            throw InputError("convert: --lammps-input needs --output to be a LAMMPS data file (*.data)");
        const std::string script = lammpsInputScript(model, output);
        writeFileSafely(a.get("lammps-input"), [&](std::ostream& out) { out << script; });
        std::printf("wrote          %s (run: lmp -in %s; its pe equals the energy above)\n",
                    a.get("lammps-input").c_str(), a.get("lammps-input").c_str());
    }
    return 0;
}

} // namespace tlscope::cli
