from para import Settings
from model.restorer import Restorer

if __name__ == "__main__":
    para = Settings().args
    model = Restorer(para)
