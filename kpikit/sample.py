def load_sample():
    raise NotImplementedError
