#include "app/cli/Mpi.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#ifdef TLSCOPE_HAVE_MPI
// The C API only (Open MPI and MPICH would otherwise pull in their deprecated C++ bindings).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace tlscope::cli {

namespace {
Mpi& instance() {
    static Mpi m;
    return m;
}
bool hasEnv(const char* name) {
    const char* v = std::getenv(name);
    return v && *v;
}
} // namespace

bool launchedByMpi() {
    if (hasEnv("TLSCOPE_NO_MPI")) return false;
    // Open MPI's mpirun; MPICH/Hydra and Slurm's PMI-2; PMIx (srun --mpi=pmix, Open MPI 5).
    for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
        if (hasEnv(v)) return true;
    return false;
}

Mpi& Mpi::world() { return instance(); }

void Mpi::initialize(int* argc, char*** argv) {
    Mpi& m = instance();
    if (!launchedByMpi()) return;
#ifdef TLSCOPE_HAVE_MPI
    MPI_Init(argc, argv);
    m.initialized_ = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &m.rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &m.size_);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &m.localSize_);
    MPI_Comm_free(&node);
    static MPI_Comm failures;
    MPI_Comm_dup(MPI_COMM_WORLD, &failures);
    m.failComm_ = &failures;
#else
    (void)argc, (void)argv, (void)m;
    throw InputError("this tlscope-cli was built without MPI (libopenmpi-dev was not found at build time), so "
                     "mpirun/srun would start independent copies; rebuild with MPI or run it without mpirun "
                     "(set TLSCOPE_NO_MPI=1 to run one copy anyway)");
#endif
}

void Mpi::finalize() {
#ifdef TLSCOPE_HAVE_MPI
    Mpi& m = instance();
    if (m.initialized_) {
        MPI_Finalize();
        m.initialized_ = false;
    }
#endif
}

void Mpi::abort(int code) {
#ifdef TLSCOPE_HAVE_MPI
    if (instance().initialized_) MPI_Abort(MPI_COMM_WORLD, code);
#endif
    std::exit(code);
}

void Mpi::agree(const std::string& message) {
    if (!parallel()) {
        if (!message.empty()) throw CollectiveError(message);
        return;
    }
#ifdef TLSCOPE_HAVE_MPI
    int mine = message.empty() ? size_ : rank_, first = size_;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == size_) return;
    int length = rank_ == first ? static_cast<int>(message.size()) : 0;
    MPI_Bcast(&length, 1, MPI_INT, first, MPI_COMM_WORLD);
    std::string text = rank_ == first ? message : std::string(static_cast<std::size_t>(length), '\0');
    MPI_Bcast(text.data(), length, MPI_CHAR, first, MPI_COMM_WORLD);
    if (first != 0) text = "rank " + std::to_string(first) + ": " + text;
    throw CollectiveError(text);
#endif
}

bool Mpi::allTrue(bool value) {
    if (!parallel()) return value;
#ifdef TLSCOPE_HAVE_MPI
    int mine = value ? 1 : 0, all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all == 1;
#else
    return value;
#endif
}

void Mpi::barrier() {
#ifdef TLSCOPE_HAVE_MPI
    if (parallel()) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

std::string Mpi::broadcast(const std::string& text) {
    if (!parallel()) return text;
#ifdef TLSCOPE_HAVE_MPI
    int length = static_cast<int>(text.size());
    MPI_Bcast(&length, 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::string out = rank_ == 0 ? text : std::string(static_cast<std::size_t>(length), '\0');
    MPI_Bcast(out.data(), length, MPI_CHAR, 0, MPI_COMM_WORLD);
    return out;
#else
    return text;
#endif
}

std::vector<std::string> Mpi::gather(const std::string& text) {
    if (!parallel()) return {text};
#ifdef TLSCOPE_HAVE_MPI
    int length = static_cast<int>(text.size());
    std::vector<int> lengths(rank_ == 0 ? static_cast<std::size_t>(size_) : 0), offsets;
    MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::string all;
    if (rank_ == 0) {
        int total = 0;
        for (int l : lengths) offsets.push_back(total), total += l;
        all.resize(static_cast<std::size_t>(total));
    }
    MPI_Gatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0, MPI_COMM_WORLD);
    std::vector<std::string> out;
    for (std::size_t r = 0; r < lengths.size(); ++r)
        out.push_back(all.substr(static_cast<std::size_t>(offsets[r]), static_cast<std::size_t>(lengths[r])));
    return out;
#else
    return {text};
#endif
}

bool Mpi::allFailedWithin(double seconds) {
    if (!parallel()) return true;
#ifdef TLSCOPE_HAVE_MPI
    MPI_Request request;
    MPI_Ibarrier(*static_cast<MPI_Comm*>(failComm_), &request);
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    int done = 0;
    while (!done && std::chrono::steady_clock::now() < end) {
        MPI_Test(&request, &done, MPI_STATUS_IGNORE);
        if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done != 0; // (an unfinished request is left to MPI_Abort)
#else
    (void)seconds;
    return true;
#endif
}

std::string Mpi::label() const {
    return parallel() ? " (rank " + std::to_string(rank_) + " of " + std::to_string(size_) + ")" : std::string();
}

} // namespace tlscope::cli
