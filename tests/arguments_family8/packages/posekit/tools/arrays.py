def as_numpy(tensor):
    return tensor.detach().cpu().numpy()
