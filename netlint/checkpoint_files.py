"""The file endings that name a checkpoint (torch-free: the load phase and the code readers share it)."""

# the files that hold weights: a missing one read while building is a weights request, a
# ``load_state_dict(torch.load(...))`` of one in a script names the weights a module gets
CHECKPOINT_SUFFIXES = (".pth", ".pt", ".tar", ".ckpt", ".bin", ".pkl", ".pickle", ".npy", ".npz", ".h5",
                       ".hdf5", ".safetensors", ".t7", ".params", ".weights", ".model", ".pb", ".mat")
