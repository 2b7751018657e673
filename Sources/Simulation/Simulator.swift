import FCS
