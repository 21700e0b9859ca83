#pragma once
// The MPI world of one tlscope-cli process (docs/cluster.md). A process started by mpirun or srun
// is one rank of P; started alone it is rank 0 of 1 and never touches MPI. Commands split their
// independent units of work (starts, glasses, explorations) over the ranks; the few collective
// steps below keep every rank's view of errors and completion the same.
#include "core/common/Error.h"

#include <string>
#include <vector>

namespace tlscope::cli {

/// An error every rank saw (or was told about): only rank 0 prints it; every rank exits with its
/// code after MPI_Finalize.
class CollectiveError : public InputError {
public:
    using InputError::InputError;
};

class Mpi {
public:
    /// The process's world. `initialize` must have run (main does it first).
    static Mpi& world();
    /// Starts MPI if this process was launched by an MPI starter (mpirun, mpiexec, srun: their
    /// environment variables say so) and this binary was built with MPI; otherwise one rank.
    /// Throws InputError for an MPI launch of a binary built without MPI.
    static void initialize(int* argc, char*** argv);
    /// MPI_Finalize (normal exit) — every rank must call it.
    static void finalize();
    /// Ends every rank at once (a rank failed on its own; the others would wait for it forever).
    [[noreturn]] static void abort(int code);

    int rank() const { return rank_; }
    int size() const { return size_; }
    bool parallel() const { return size_ > 1; }
    /// Ranks on this machine (to share its cores): OMPI_COMM_WORLD_LOCAL_SIZE and the like.
    int localSize() const { return localSize_; }

    /// Runs `f` on every rank; if it threw InputError on any rank, every rank throws a
    /// CollectiveError with the message of the lowest failing rank.
    template <class F> void collectively(F&& f) {
        std::string message;
        try {
            f();
        } catch (const InputError& e) {
            message = e.what();
            if (message.empty()) message = "error";
        }
        agree(message);
    }
    /// Every rank passes its error (empty: none); all throw the lowest failing rank's.
    void agree(const std::string& message);
    /// True on every rank when `value` is true on every rank.
    bool allTrue(bool value);
    void barrier();
    /// Rank 0's `text` on every rank.
    std::string broadcast(const std::string& text);
    /// Every rank's `text`, in rank order, on rank 0 (empty elsewhere).
    std::vector<std::string> gather(const std::string& text);

    /// Called by a rank that failed: true if every rank arrives here within `seconds` (they all
    /// failed the same way, e.g. a bad option, and may exit normally); false if some rank is
    /// still working (then the job must be aborted). Uses its own communicator, so a rank waiting
    /// in another collective step is not confused by it.
    bool allFailedWithin(double seconds);

    /// " (rank r of P)" when parallel, else "".
    std::string label() const;

private:
    int rank_ = 0, size_ = 1, localSize_ = 1;
    bool initialized_ = false;
    void* failComm_ = nullptr; ///< MPI_Comm (a duplicate of the world) for allFailedWithin
};

/// Launched by an MPI starter (environment of mpirun/mpiexec/srun)?
bool launchedByMpi();

} // namespace tlscope::cli
