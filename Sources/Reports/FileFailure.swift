import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A file-system failure in words a clerk can act on, in place of Foundation's own text
/// ("The operation could not be completed. (NSCocoaErrorDomain error 512.)"): what the
/// system said, by its error number, in Chinese with the English beside it.
public enum FileFailure {
    public static func reason(_ error: any Error) -> String {
        if let e = error as? POSIXError { return reason(errno: e.code.rawValue) }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return reason(errno: Int32(ns.code)) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return reason(errno: Int32(underlying.code))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileWriteNoPermission, .fileReadNoPermission: return reason(errno: EACCES)
            case .fileWriteOutOfSpace: return reason(errno: ENOSPC)
            case .fileWriteVolumeReadOnly: return reason(errno: EROFS)
            case .fileWriteFileExists: return reason(errno: EEXIST)
            case .fileNoSuchFile, .fileReadNoSuchFile: return reason(errno: ENOENT)
            default: return "系统拒绝了写入，错误 \(ns.code)（the system refused the write, error \(ns.code)）"
            }
        }
        return "系统拒绝了写入（the system refused the write）"
    }

    public static func reason(errno code: Int32) -> String {
        switch code {
        case ENOTDIR: return "路径中有一部分是文件，不是文件夹（a part of the path is a file, not a folder）"
        case EACCES, EPERM: return "没有写入权限（permission denied）"
        case EROFS: return "磁盘是只读的（the disk is read-only）"
        case ENOSPC, EDQUOT: return "磁盘已满（the disk is full）"
        case EEXIST: return "已有同名的文件或文件夹（a file of that name exists）"
        case ENOENT: return "路径中的文件夹不存在（a folder on the path does not exist）"
        case EISDIR: return "同名的是一个文件夹（a folder has that name）"
        default: return "系统错误 \(code)：\(String(cString: strerror(code)))"
        }
    }
}
