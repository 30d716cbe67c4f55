//===- Threads.cpp - thread counts of the generated code ------------------===//

#include "qat/Target/Threads.h"

using namespace llvm;

cl::opt<int64_t> &
mlir::qat::target::registerThreadsOption(cl::OptionCategory &category,
                                         StringRef description) {
  if (cl::Option *llvmThreads = cl::getRegisteredOptions().lookup("threads"))
    llvmThreads->removeArgument();
  // Owned by the option registry for the rest of the process.
  return *new cl::opt<int64_t>("threads", cl::desc(description), cl::init(1),
                               cl::cat(category),
                               cl::sub(cl::SubCommand::getAll()));
}
