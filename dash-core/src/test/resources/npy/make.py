"""Writes the NumPy known-answer files NpyReaderTest reads (run from this directory: python3 make.py).

Each array has shape (2, 3, 4) and element i (in C order) holds value(kind, i):
  bool: i % 3 == 0;  unsigned: i;  signed: i - 12;  float: (i - 12) * 0.25.
Files: <dtype>-<byteorder>-<C|F>.npy for every dtype, byte order ('le', 'be'; 'na' for one-byte types) and memory
order (a Fortran-ordered array is saved with fortran_order True); v2.npy and v3.npy in format versions 2.0 and 3.0;
savez.npz (stored) and savez_compressed.npz (deflated) holding int64 'a', float32 'b' and 0-d float64 'c' = 2.5.
"""
import numpy as np

DTYPES = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
          "float16", "float32", "float64"]


def values(dtype):
    i = np.arange(24)
    kind = np.dtype(dtype).kind
    if kind == "b":
        v = i % 3 == 0
    elif kind == "u":
        v = i
    elif kind == "i":
        v = i - 12
    else:
        v = (i - 12) * 0.25
    return v.astype(dtype).reshape(2, 3, 4)


for dtype in DTYPES:
    one_byte = np.dtype(dtype).itemsize == 1
    for order in (["na"] if one_byte else ["le", "be"]):
        a = values(dtype)
        if order == "be":
            a = a.astype(np.dtype(dtype).newbyteorder(">"))
        elif order == "le":
            a = a.astype(np.dtype(dtype).newbyteorder("<"))
        np.save(f"{dtype}-{order}-C.npy", np.ascontiguousarray(a))
        np.save(f"{dtype}-{order}-F.npy", np.asfortranarray(a))

with open("v2.npy", "wb") as f:
    np.lib.format.write_array(f, values("int32"), version=(2, 0))
with open("v3.npy", "wb") as f:
    np.lib.format.write_array(f, values("float64"), version=(3, 0))
arrays = {"a": values("int64"), "b": values("float32"), "c": np.array(2.5)}
np.savez("savez.npz", **arrays)
np.savez_compressed("savez_compressed.npz", **arrays)
