"""A small module with a comment prompt; `make demo` asks lsp-codegen to fill it in."""


# Return the sum of the squares of the numbers in xs.
def sum_of_squares(xs):


print(sum_of_squares([1, 2, 3]))
