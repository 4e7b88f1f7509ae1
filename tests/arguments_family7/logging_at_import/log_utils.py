import logging


def get_logger():
    logger = logging.getLogger(__name__)
    logger.setLevel(logging.DEBUG)
    handler = logging.FileHandler('run_logs.txt', mode='w')
    handler.setLevel(logging.INFO)
    logger.addHandler(handler)
    return logger
