import Glibc

/// An open file read with plain `read(2)`, so that reading throws `ReadError` and never
/// maps or copies more than the chunk asked for; or bytes held in memory, read the same way
/// (`TableReader.read(bytes:name:)`, the fuzz targets).
final class FileInput {
    let path: String
    let fd: Int32
    /// Size of the file in bytes when it was opened.
    let size: Int
    /// The bytes, when the input is held in memory (then `fd` is -1).
    private let memory: UnsafeMutableRawBufferPointer?
    private var position = 0
    /// Where `read` stops: `size`, unless the reader chose to end the file early (a DOS
    /// end-of-file mark, `CSVReader`).
    private(set) var end: Int

    /// Makes `read` end at `offset` (at most `size`).
    func endEarly(at offset: Int) {
        end = max(0, min(offset, size))
    }

    init(path: String) throws(ReadError) {
        self.path = path
        // Never blocking: opening a named pipe for reading would wait for a writer forever.
        // Anything but a regular file is refused before a byte is read.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            let e = errno
            if e == ENOENT || e == ENOTDIR { throw .fileNotFound(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(e)))
        }
        var st = stat()
        if fstat(fd, &st) != 0 {
            let e = errno
            close(fd)
            throw .unreadable(path: path, reason: String(cString: strerror(e)))
        }
        if (st.st_mode & S_IFMT) != S_IFREG {
            close(fd)
            throw .notAFile(path: path, kind: Self.kind(st.st_mode))
        }
        // Reads of a regular file never block; the flag is cleared all the same.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        self.fd = fd
        self.size = Int(st.st_size)
        self.end = Int(st.st_size)
        self.memory = nil
    }

    static func kind(_ mode: mode_t) -> NonFileKind {
        switch mode & S_IFMT {
        case S_IFDIR: .folder
        case S_IFIFO: .pipe
        case S_IFCHR, S_IFBLK: .device
        case S_IFSOCK: .socket
        default: .other
        }
    }

    /// Input from a copy of `bytes`; `path` only names it in errors.
    init(path: String, bytes: UnsafeRawBufferPointer) {
        self.path = path
        self.fd = -1
        self.size = bytes.count
        self.end = bytes.count
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 16)
        if let base = bytes.baseAddress { copy.baseAddress!.copyMemory(from: base, byteCount: bytes.count) }
        self.memory = copy
    }

    deinit {
        if let memory { memory.deallocate() } else { close(fd) }
    }

    /// Reads up to `count` bytes into `into`; 0 means end of file.
    func read(into: UnsafeMutableRawPointer, count: Int) throws(ReadError) -> Int {
        if let memory {
            let n = max(0, min(count, end - position))
            if n > 0 { into.copyMemory(from: memory.baseAddress! + position, byteCount: n) }
            position += n
            return n
        }
        let count = max(0, min(count, end - position))
        if count == 0 { return 0 }
        while true {
            let n = Glibc.read(fd, into, count)
            if n >= 0 {
                position += n
                return n
            }
            let e = errno
            if e == EINTR { continue }
            throw .unreadable(path: path, reason: String(cString: strerror(e)))
        }
    }

    /// Reads up to `count` bytes at `offset` without moving the file position.
    func peek(into: UnsafeMutableRawPointer, count: Int, at offset: Int = 0) throws(ReadError) -> Int {
        if let memory {
            let n = offset >= size || offset < 0 ? 0 : min(count, size - offset)
            if n > 0 { into.copyMemory(from: memory.baseAddress! + offset, byteCount: n) }
            return n
        }
        var done = 0
        while done < count {
            let n = pread(fd, into + done, count - done, off_t(offset + done))
            if n == 0 { break }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                throw .unreadable(path: path, reason: String(cString: strerror(e)))
            }
            done += n
        }
        return done
    }

    func seek(to offset: Int) {
        position = max(0, min(offset, size))
        if memory != nil { return }
        lseek(fd, off_t(position), SEEK_SET)
    }
}
